// Authentication and RBAC are on: a ServiceAccount token is refused (403) until a
// RoleBinding grants it access.
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/cluster.js';
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
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'reader' } } });
    const { status } = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace: ns.name,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const asReader = asToken(ns.kubeConfig, status!.token).makeApiClient(CoreV1Api);

    const refused = await asReader.listNamespacedPod({ namespace: ns.name }).then(
      () => undefined,
      (err: { code?: number }) => err,
    );
    expect(refused?.code).toBe(403);

    await ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: ns.name,
      body: {
        metadata: { name: 'reader-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns.name }],
      },
    });
    // The authorizer's informer sees the binding a moment later.
    const allowed = await waitFor('pods listable with the token', () => asReader.listNamespacedPod({ namespace: ns.name }), () => true);
    expect(allowed.items).toEqual([]);
  });
});
