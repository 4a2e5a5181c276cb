// Reads the live state the planner needs, with one list per kind and scope (watch-scope.ts) rather than
// one request per object: our own objects by owner label, plus, for desired objects we do not own yet, whether someone
// else's object already stands in their place.
import { refKey, refOf } from '../core/kinds.ts';
import type { KubeClient } from './kube.ts';
import { refusalOf } from './kube.ts';
import { FIELD_MANAGER, OWNER_ENV, PRUNE, ownerSelector } from './labels.ts';
import type { WatchCache } from './watch-cache.ts';
import { kindTargets, scopesOf } from './watch-scope.ts';
import { handEdited, ownedHash } from './managed-fields.ts';
import type { DesiredSet, Inventory, K8sObject, LiveObject } from './types.ts';

export interface LiveState {
  readonly objects: ReadonlyMap<string, LiveObject>;
  readonly resourceVersions: ReadonlyMap<string, string>;
  /** Keys of our objects that a hand edit owns fields of (see take-back.ts). */
  readonly handEdited: ReadonlySet<string>;
}

/** With a watch cache, our own objects come from memory: a steady-state reconcile sends no request. */
export async function observe(kube: KubeClient, desired: DesiredSet, inventory: Inventory, cache?: WatchCache): Promise<LiveState> {
  const env = desired.revision.env;
  const objects = new Map<string, LiveObject>();
  const resourceVersions = new Map<string, string>();
  const handEditedKeys = new Set<string>();
  const add = (o: K8sObject, hash: string | undefined, edited = false) => {
    const ref = refOf(o);
    const key = refKey(ref);
    const owned = o.metadata.labels?.[OWNER_ENV] === env;
    const otherEnv = !owned && o.metadata.labels?.[OWNER_ENV] !== undefined;
    objects.set(key, { ref, owned, ...(otherEnv ? { otherEnv } : {}), ownedHash: owned ? hash : undefined, skipPrune: o.metadata.annotations?.[PRUNE] === 'disabled' });
    resourceVersions.set(key, String(o.metadata.resourceVersion ?? ''));
    if (owned && edited) handEditedKeys.add(key);
  };

  const targets = kindTargets(desired, inventory);
  const scopes = await scopesOf(kube, targets);
  if (cache) {
    await cache.ensure(scopes);
    for (const { apiVersion, kind } of targets) for (const c of cache.list(apiVersion, kind)) add(c.object, c.ownedHash, c.handEdited);
  } else {
    for (const { apiVersion, kind, namespace } of scopes) {
      for (const o of await listIfServed(kube, apiVersion, kind, { namespace, labelSelector: ownerSelector(env) })) add(o, ownedHash(o, FIELD_MANAGER), handEdited(o));
    }
  }
  // Desired objects we don't own: look for a namesake per kind and namespace (one list each).
  const strangers = new Map<string, { apiVersion: string; kind: string; namespace: string }>();
  for (const d of desired.objects) {
    if (!objects.has(refKey(d.ref))) strangers.set(`${d.object.apiVersion}/${d.object.kind}/${d.ref.namespace}`, { apiVersion: d.object.apiVersion, kind: d.object.kind, namespace: d.ref.namespace });
  }
  const wanted = new Set(desired.objects.map((d) => refKey(d.ref)));
  for (const { apiVersion, kind, namespace } of strangers.values()) {
    for (const o of await listIfServed(kube, apiVersion, kind, { namespace: namespace || kube.http.connection.namespace })) {
      if (wanted.has(refKey(refOf(o))) && !objects.has(refKey(refOf(o)))) add(o, ownedHash(o, FIELD_MANAGER));
    }
  }
  return { objects, resourceVersions, handEdited: handEditedKeys };
}

/** A kind whose CRD is not installed (yet, or any more) has no objects; a namespace that does not exist neither. */
async function listIfServed(kube: KubeClient, apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string }): Promise<K8sObject[]> {
  try {
    return await kube.list(apiVersion, kind, options);
  } catch (error) {
    if (refusalOf(error)?.status === 404) return [];
    throw error;
  }
}
