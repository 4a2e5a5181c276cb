// Shared props of the containers that lib/ constructs run, and how they become cdk8s-plus options.
import * as kplus from 'cdk8s-plus-28';
import { Size } from 'cdk8s';
import { imageTag, standardLabels } from './labels.ts';

export interface ContainerResources {
  /** CPU request in millicores. @default 100 */
  readonly cpuMillis?: number;
  /** CPU limit in millicores. @default 2 × the request */
  readonly cpuLimitMillis?: number;
  /** Memory request in MiB. @default 128 */
  readonly memoryMiB?: number;
  /** Memory limit in MiB. @default the request */
  readonly memoryLimitMiB?: number;
}

/** How Kubernetes knows a container is ready: an HTTP GET answering 2xx, or a command exiting 0. */
export type ReadinessCheck =
  | { readonly httpPath: string; readonly port: number }
  | { readonly command: readonly string[] };

export interface ContainerSpec {
  /** Image with an explicit tag or digest, e.g. 'ghcr.io/acme/web:1.4.2'. */
  readonly image: string;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default none */
  readonly args?: readonly string[];
  /** Plain environment variables. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default ContainerResources defaults */
  readonly resources?: ContainerResources;
  /** @default no readiness probe (WebService probes its main container itself) */
  readonly readiness?: ReadinessCheck;
}

/** Container options with resources filled in; defaults live here and nowhere else. */
/** The standard labels of a workload construct: its app, its id as the component, its image tag as the version. */
export function workloadLabels(id: string, props: { readonly app: string; readonly image: string }): Record<string, string> {
  return standardLabels({ app: props.app, component: id, version: imageTag(props.image) || undefined });
}

export function containerOptions(name: string, spec: ContainerSpec): kplus.ContainerProps {
  const r = spec.resources ?? {};
  const cpu = r.cpuMillis ?? 100;
  const memory = r.memoryMiB ?? 128;
  return {
    name,
    image: spec.image,
    command: spec.command ? [...spec.command] : undefined,
    args: spec.args ? [...spec.args] : undefined,
    envVariables: Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
    resources: {
      cpu: { request: kplus.Cpu.millis(cpu), limit: kplus.Cpu.millis(r.cpuLimitMillis ?? cpu * 2) },
      memory: { request: Size.mebibytes(memory), limit: Size.mebibytes(r.memoryLimitMiB ?? memory) },
    },
    securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, user: 10001, group: 10001 },
    readiness: spec.readiness && readinessProbe(spec.readiness),
  };
}

function readinessProbe(check: ReadinessCheck): kplus.Probe {
  return 'command' in check
    ? kplus.Probe.fromCommand([...check.command])
    : kplus.Probe.fromHttpGet(check.httpPath, { port: check.port });
}
