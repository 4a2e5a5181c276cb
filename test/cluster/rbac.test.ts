// Authentication and RBAC are on: a ServiceAccount token is refused (403) until a
// RoleBinding grants it access.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/cluster.js';
import { grantClusterRole, serviceAccountToken } from '../setup/service-accounts.js';
import { waitFor } from '../setup/wait-for.js';

/** A kubeconfig for the same server that authenticates with a bearer token. */
function asToken(admin: KubeConfig, token: string): KubeConfig {
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa' }],
    currentContext: 'sa',
  });
  return kc;
}

describe('RBAC', () => {
  const ns = useTestNamespace({ prefix: 'rbac' });

  it('refuses a ServiceAccount token without rights and allows it after a RoleBinding', async () => {
    const token = await serviceAccountToken(ns.kubeConfig, ns.name, 'reader');
    const asReader = asToken(ns.kubeConfig, token).makeApiClient(CoreV1Api);

    const refused = await asReader.listNamespacedPod({ namespace: ns.name }).then(
      () => undefined,
      (err: { code?: number }) => err,
    );
    expect(refused?.code).toBe(403);

    await grantClusterRole(ns.kubeConfig, ns.name, 'reader', 'view');
    // The authorizer's informer sees the binding a moment later.
    const allowed = await waitFor('pods listable with the token', () => asReader.listNamespacedPod({ namespace: ns.name }), () => true);
    expect(allowed.items).toEqual([]);
  });
});
