// Command lines of the five components, in start order. Flags follow what
// envtest and kwokctl use; everything listens on 127.0.0.1 only.
import { join } from 'node:path';
import type { Binaries, BinaryName } from './build.js';
import type { Pki } from './certificates.js';

export interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
}

export interface Layout {
  readonly stateDir: string;
  readonly ports: Ports;
  readonly pki: Pki;
  /** Admin kubeconfig, also used by the components that talk to the apiserver. */
  readonly kubeconfig: string;
  readonly binaries: Binaries;
}

export interface ComponentSpec {
  readonly name: BinaryName;
  readonly args: readonly string[];
}

export const serviceClusterIpRange = '10.0.0.0/24';
export const podCidr = '10.244.0.0/16';
/** kwok manages only Nodes carrying this annotation. */
export const kwokNodeAnnotation = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

export function etcd(l: Layout): ComponentSpec {
  const client = `http://127.0.0.1:${l.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${l.ports.etcdPeer}`;
  return {
    name: 'etcd',
    args: [
      '--name=default',
      `--data-dir=${join(l.stateDir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      // Throwaway test data: durability only costs start-up and write latency.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
  };
}

export function kubeApiserver(l: Layout): ComponentSpec {
  return {
    name: 'kube-apiserver',
    args: [
      `--etcd-servers=http://127.0.0.1:${l.ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${l.ports.apiserver}`,
      `--tls-cert-file=${l.pki.servingCert}`,
      `--tls-private-key-file=${l.pki.servingKey}`,
      `--client-ca-file=${l.pki.caCert}`,
      '--authorization-mode=RBAC',
      `--service-cluster-ip-range=${serviceClusterIpRange}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${l.pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${l.pki.serviceAccountKey}`,
      // Pods may be created before the namespace's default ServiceAccount exists (as in envtest).
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      // No kubernetes Service endpoints for a server that is not reachable from pods anyway.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ],
  };
}

export function kubeControllerManager(l: Layout): ComponentSpec {
  return {
    name: 'kube-controller-manager',
    args: [
      ...clientFlags(l),
      `--secure-port=${l.ports.controllerManager}`,
      `--service-account-private-key-file=${l.pki.serviceAccountKey}`,
      `--root-ca-file=${l.pki.caCert}`,
      `--service-cluster-ip-range=${serviceClusterIpRange}`,
      // Volumes for claims of the default StorageClass (storage-class.ts), as a laptop cluster has.
      '--enable-hostpath-provisioner=true',
      '--profiling=false',
    ],
  };
}

export function kubeScheduler(l: Layout): ComponentSpec {
  return {
    name: 'kube-scheduler',
    args: [...clientFlags(l), `--secure-port=${l.ports.scheduler}`, '--profiling=false'],
  };
}

export function kwok(l: Layout): ComponentSpec {
  return {
    name: 'kwok',
    args: [
      `--kubeconfig=${l.kubeconfig}`,
      `--config=${l.binaries.kwokStages}`,
      `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
      '--node-lease-duration-seconds=40',
      `--cidr=${podCidr}`,
      '--node-ip=127.0.0.1',
    ],
  };
}

/** Shared by controller-manager and scheduler: one client identity, no leader election, local health port. */
function clientFlags(l: Layout): string[] {
  return [
    `--kubeconfig=${l.kubeconfig}`,
    `--authentication-kubeconfig=${l.kubeconfig}`,
    `--authorization-kubeconfig=${l.kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
  ];
}

const specs: Record<BinaryName, (l: Layout) => ComponentSpec> = {
  etcd,
  'kube-apiserver': kubeApiserver,
  'kube-controller-manager': kubeControllerManager,
  'kube-scheduler': kubeScheduler,
  kwok,
};

/** A component's command line with `extra` merged in: a flag given again replaces ours, others are added. */
export function componentSpec(name: BinaryName, l: Layout, extra: readonly string[] = []): ComponentSpec {
  const flag = (arg: string) => arg.split('=')[0];
  const replaced = new Set(extra.map(flag));
  const base = specs[name](l);
  return { name, args: [...base.args.filter((arg) => !replaced.has(flag(arg))), ...extra] };
}
