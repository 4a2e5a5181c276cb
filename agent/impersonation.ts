// Whom the agent's requests act as: a kubeconfig user's `as`, `as-groups`, `as-uid` and `as-user-extra`
// (kubectl's --as, --as-group, --as-uid), or the environment's ServiceAccount (agent.serviceAccount,
// Flux's serviceAccountName), sent as Kubernetes' Impersonate-* headers so that RBAC judges every request.
import type { KubeConnection } from './kubeconfig.ts';

export interface Impersonation {
  readonly user: string;
  readonly groups?: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The headers for an impersonation: one Impersonate-Group (and Impersonate-Extra-<key>) line per value, as client-go sends them. */
export function impersonationHeaders(as: Impersonation | undefined): Record<string, string | string[]> {
  if (!as) return {};
  const headers: Record<string, string | string[]> = { 'Impersonate-User': as.user };
  if (as.groups?.length) headers['Impersonate-Group'] = [...as.groups];
  if (as.uid) headers['Impersonate-Uid'] = as.uid;
  for (const [key, values] of Object.entries(as.extra ?? {})) {
    if (values.length > 0) headers[`Impersonate-Extra-${escapeExtraKey(key)}`] = [...values];
  }
  return headers;
}

/**
 * An extra key as a header name: every byte that is not an HTTP token character (and '%' itself) is
 * percent-encoded, the server decodes it back (e.g. 'example.com/scopes' -> 'example.com%2Fscopes'), as client-go does.
 */
export function escapeExtraKey(key: string): string {
  return [...Buffer.from(key, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    return /^[A-Za-z0-9!#$&'*+\-.^_`|~]$/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/**
 * A ServiceAccount's user name, without groups: the server then gives it exactly its token's groups
 * (system:serviceaccounts, system:serviceaccounts:<namespace>, system:authenticated), and the agent
 * needs `impersonate` on that one ServiceAccount only, not on groups.
 */
export function serviceAccountIdentity(namespace: string, name: string): Impersonation {
  return { user: `system:serviceaccount:${namespace}:${name}` };
}

/** The same cluster and credentials, acting as someone else; this replaces a kubeconfig's own `as` (Kubernetes impersonates one level). */
export function actingAs(connection: KubeConnection, as: Impersonation): KubeConnection {
  return { ...connection, impersonate: as, source: `${connection.source} as ${as.user}` };
}

/**
 * The `as*` fields of a kubeconfig user entry (its raw YAML: client-node reads only `as`), or undefined
 * when it impersonates no one. Groups, uid or extra without a user are refused, as kubectl refuses them.
 */
export function impersonationOf(user: Record<string, unknown>, fail: (message: string) => Error): Impersonation | undefined {
  const text = (key: string): string | undefined => {
    const value = user[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw fail(`${key} must be a string`);
    return headerValue(key, value, fail);
  };
  const list = (key: string, value: unknown): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw fail(`${key} must be a list of strings`);
    return value.map((v: string) => headerValue(key, v, fail));
  };
  const extraField = user['as-user-extra'] ?? {};
  if (typeof extraField !== 'object' || Array.isArray(extraField)) throw fail('as-user-extra must be a map of key: [values]');
  const extra = Object.fromEntries(Object.entries(extraField as Record<string, unknown>).map(([k, v]) => [k, list(`as-user-extra.${k}`, v)]));
  const as = { user: text('as'), groups: list('as-groups', user['as-groups']), uid: text('as-uid'), extra };
  if (!as.user) {
    if (as.groups.length > 0 || as.uid || Object.keys(extra).length > 0) throw fail('as-groups, as-uid or as-user-extra is set without as (the user to impersonate)');
    return undefined;
  }
  return { ...as, user: as.user };
}

/** A header carries printable ASCII here (Node refuses control characters and sends the rest as Latin-1, not UTF-8). */
function headerValue(key: string, value: string, fail: (message: string) => Error): string {
  if (/[^\x20-\x7e]/.test(value)) throw fail(`${key} ${JSON.stringify(value)} has a character an HTTP header cannot carry`);
  return value;
}
