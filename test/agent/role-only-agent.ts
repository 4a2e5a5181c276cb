// An agent identity with Roles only, as a namespaced install gives it: a ServiceAccount in the agent's
// namespace with a token from a TokenRequest, a Role there for its own books (inventory and status
// ConfigMaps, Events, its Lease, reading its namespace) and a Role per namespace it manages.
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig, type V1PolicyRule } from '@kubernetes/client-node';
import { onTestFinished } from 'vitest';
import type { KubeConnection } from '../../agent/kubeconfig.ts';
import { namespaceObject, uniqueName } from './harness.ts';

const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What the agent needs in its own namespace. */
export const BOOKKEEPING_RULES: V1PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ALL },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }, // RBAC judges a Namespace's own get in that namespace
];

export const CONFIGMAP_RULES: V1PolicyRule[] = [{ apiGroups: [''], resources: ['configmaps'], verbs: ALL }];

/** A Role `agent` in the namespace with these rules, bound to the ServiceAccount. */
export async function grantRole(admin: KubeConfig, namespace: string, account: { namespace: string; name: string }, rules: V1PolicyRule[]): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'agent' }, rules } });
  await rbac.createNamespacedRoleBinding({ namespace, body: {
    metadata: { name: 'agent' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent' },
    subjects: [{ kind: 'ServiceAccount', ...account }],
  } });
}

/** A token of the ServiceAccount from a TokenRequest (the account must exist). */
export async function requestToken(admin: KubeConfig, account: { namespace: string; name: string }): Promise<string> {
  const { status } = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ ...account, body: { spec: { audiences: [], expirationSeconds: 600 } } });
  return status!.token;
}

/** New namespaces, deleted after the test. */
export async function namespaces(admin: KubeConfig, count: number, prefix = 'team'): Promise<string[]> {
  const core = admin.makeApiClient(CoreV1Api);
  const names = Array.from({ length: count }, () => uniqueName(prefix));
  for (const name of names) {
    await core.createNamespace({ body: namespaceObject(name) });
    onTestFinished(() => core.deleteNamespace({ name }).then(() => undefined, () => undefined));
  }
  return names;
}

/** The same API server, as whoever holds the token (no client certificate). */
export function withToken(connection: KubeConnection, token: string): KubeConnection {
  const { cert: _cert, key: _key, ...tls } = connection.tls;
  return { ...connection, tls, authenticate: async (request) => { request.headers.Authorization = `Bearer ${token}`; } };
}
