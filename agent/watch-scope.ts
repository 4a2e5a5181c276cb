// Where the agent lists and watches each kind it manages. Across the cluster in one request when its
// identity may (asked once per kind); otherwise in each namespace the environment holds objects of
// that kind in, so an agent with Roles only never asks at the cluster scope. The namespaces come from
// the desired set and the inventory together: prune and drift still see what an earlier revision put
// in a namespace the current one left.
import type { KindScope, KubeClient } from './kube.ts';
import type { DesiredSet, Inventory } from './types.ts';

/** A kind the environment holds, and the namespaces its objects are in ('' for none given). */
export interface KindTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaces: ReadonlySet<string>;
}

/** The kinds of the desired set and the inventory, each with its namespaces. */
export function kindTargets(desired: DesiredSet, inventory: Inventory): KindTarget[] {
  const kinds = new Map<string, { apiVersion: string; kind: string; namespaces: Set<string> }>();
  const add = (apiVersion: string, kind: string, namespace: string) => {
    const key = `${apiVersion}/${kind}`;
    let target = kinds.get(key);
    if (!target) kinds.set(key, target = { apiVersion, kind, namespaces: new Set() });
    target.namespaces.add(namespace);
  };
  for (const d of desired.objects) add(d.object.apiVersion, d.object.kind, d.ref.namespace);
  for (const e of inventory.entries) add(e.apiVersion, e.ref.kind, e.ref.namespace);
  return [...kinds.values()];
}

/**
 * The lists and watches that cover the targets: one per cluster-scoped kind, one per namespaced kind
 * this identity may watch everywhere, else one per namespace ('' is the connection's namespace, where
 * such an object goes). Kinds the server does not serve have none: nothing of them can exist.
 */
export async function scopesOf(kube: KubeClient, targets: readonly KindTarget[]): Promise<KindScope[]> {
  const scopes = await Promise.all(targets.map(async ({ apiVersion, kind, namespaces }): Promise<KindScope[]> => {
    const resource = await kube.resource(apiVersion, kind);
    if (!resource) return [];
    if (!resource.namespaced || await kube.mayWatchEverywhere(apiVersion, resource)) return [{ apiVersion, kind }];
    const named = new Set([...namespaces].map((n) => n || kube.http.connection.namespace));
    return [...named].sort().map((namespace) => ({ apiVersion, kind, namespace }));
  }));
  return scopes.flat();
}

export function scopeKey(scope: KindScope): string {
  return `${scope.apiVersion}/${scope.kind}@${scope.namespace ?? '*'}`;
}
