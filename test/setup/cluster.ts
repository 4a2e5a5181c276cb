// Test helpers for the `cluster` project: a client for the shared control plane,
// a namespace of its own for each test, and a fresh control plane for tests whose
// cluster-scoped state must not meet anyone else's.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { loadConnection, type KubeConnection } from '../../agent/kubeconfig.ts';
import { startControlPlane, type ControlPlane, type StartOptions } from '../controlplane/control-plane.js';
import './provided.js';

export interface Cluster {
  readonly kubeconfigPath: string;
  /** For assertions (client-node's typed APIs). */
  readonly kubeConfig: KubeConfig;
  /** For the agent's own client. */
  readonly connection: KubeConnection;
}

/** The control plane the global setup started for this run. */
export function sharedCluster(): Cluster {
  return clusterFrom(inject('controlPlane').kubeconfigPath);
}

export function clusterFrom(kubeconfigPath: string): Cluster {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return { kubeconfigPath, kubeConfig, connection: loadConnection(kubeconfigPath) };
}

export interface TestNamespace extends Cluster {
  /** The namespace of the running test; read it inside a test or hook. */
  readonly name: string;
}

/** Label on every namespace this helper creates, to find leftovers. */
export const testNamespaceLabel = 'typed-gitops.dev/test-namespace';

/**
 * Gives each test of the calling file a new namespace and deletes it afterwards
 * (without waiting for the namespace controller to finish).
 */
export function useTestNamespace(options: { prefix?: string; cluster?: () => Cluster } = {}): TestNamespace {
  const prefix = options.prefix ?? 'test';
  let cluster: Cluster | undefined;
  let current: string | undefined;
  beforeEach(async () => {
    cluster = (options.cluster ?? sharedCluster)();
    current = `${prefix}-${randomBytes(4).toString('hex')}`;
    await cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({
      body: { metadata: { name: current, labels: { [testNamespaceLabel]: 'true' } } },
    });
  });
  afterEach(async () => {
    const name = current;
    current = undefined;
    if (!cluster || !name) return;
    // A test may have deleted its namespace itself.
    await cluster.kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name })
      .catch((err: { code?: number }) => {
        if (err.code !== 404) throw err;
      });
  });
  const live = () => {
    if (!cluster || !current) throw new Error('useTestNamespace: read the namespace inside a test or a beforeEach/afterEach hook');
    return { cluster, name: current };
  };
  return {
    get name() {
      return live().name;
    },
    get kubeconfigPath() {
      return live().cluster.kubeconfigPath;
    },
    get kubeConfig() {
      return live().cluster.kubeConfig;
    },
    get connection() {
      return live().cluster.connection;
    },
  };
}

/**
 * Starts a control plane of its own for the calling file (about 4 s) and stops it after the last test;
 * `options.args` give components more arguments (e.g. an audit log), and the plane's kill, pause and
 * restart methods let fault tests disturb it.
 */
export function useFreshControlPlane(options: Pick<StartOptions, 'args'> = {}): () => Cluster & { readonly controlPlane: ControlPlane } {
  let controlPlane: ControlPlane | undefined;
  beforeAll(async () => {
    controlPlane = await startControlPlane(options);
  });
  afterAll(async () => {
    await controlPlane?.stop();
  });
  return () => {
    if (!controlPlane) throw new Error('useFreshControlPlane: the control plane starts in beforeAll; use it inside tests or hooks');
    return { ...clusterFrom(controlPlane.kubeconfigPath), controlPlane };
  };
}
