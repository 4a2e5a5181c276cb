// `gitops diff --live`: what applying one environment's objects would change in the cluster, object by
// object, found by a server-side dry run with the agent's field manager (forced, as the agent applies)
// against the live objects. Objects in a namespace the cluster does not have yet, or of a kind a CRD of
// the same set brings, cannot be dry-run: they are shown as added without asking the server.
import pLimit, { type LimitFunction } from 'p-limit';
import { desiredSet } from '../agent/desired.ts';
import { kindsDefinedBy } from '../agent/dry-run.ts';
import { loadInventory } from '../agent/inventory.ts';
import { KubeClient } from '../agent/kube.ts';
import { OWNER_APP, OWNER_ENV, PRUNE, ownerSelector } from '../agent/labels.ts';
import type { DesiredObject, K8sObject, ObjectRef, Revision } from '../agent/types.ts';
import { kindTargets, scopesOf, type KindTarget } from '../agent/watch-scope.ts';
import { ClusterError } from '../core/errors.ts';
import { refKey, refOf } from '../core/kinds.ts';
import { objectChange, type ObjectChange } from './diff.ts';
import { objectPath, toYaml } from './render.ts';

export interface LiveDiffOptions {
  /** Where the agent keeps the environment's inventory (what it would prune). */
  readonly agentNamespace: string;
  /** Requests in flight at once. @default 8 */
  readonly concurrency?: number;
}

/** The most refused objects named in the error; the rest are counted. */
const MAX_NAMED = 100;

/** The objects a reconcile of `revision` would add, change and prune, as `gitops diff` shows them. Writes nothing. */
export async function liveChanges(kube: KubeClient, revision: Revision, options: LiveDiffOptions): Promise<ObjectChange[]> {
  const desired = desiredSet(revision);
  const inventory = await loadInventory(kube, options.agentNamespace, revision.env);
  const owned = await ownedObjects(kube, revision.env, kindTargets(desired, inventory));
  const limit = pLimit(options.concurrency ?? 8);
  const cannotDryRun = await notYetCheckable(kube, desired.objects, limit);
  const rejections: string[] = [];
  const applied = await Promise.all(desired.objects.map((d) => limit(async () => {
    try {
      if (cannotDryRun(d)) return objectChange(revision.env, d.app, pathOf(revision.env, d.app, d.ref), undefined, toYaml(d.object));
      return await dryRunChange(kube, d, owned.get(refKey(d.ref)), revision.env);
    } catch (error) {
      rejections.push(`${d.file}: ${(error as Error).message}`);
      return undefined;
    }
  })));
  if (rejections.length > 0) {
    const named = rejections.sort().slice(0, MAX_NAMED);
    const more = rejections.length > MAX_NAMED ? `\n  … and ${rejections.length - MAX_NAMED} more` : '';
    throw new ClusterError(`${rejections.length} object(s) would be refused:\n  ${named.join('\n  ')}${more}`, {
      object: `environment ${revision.env}`,
      hint: 'Fix each object as its line says, where its app defines it: the agent would not apply it either.',
    });
  }
  // As the agent prunes: only what it applied (its inventory) that still carries the owner labels.
  const wanted = new Set(desired.objects.map((d) => refKey(d.ref)));
  const inInventory = new Set(inventory.entries.map((e) => refKey(e.ref)));
  const pruned = [...owned.entries()]
    .filter(([key, o]) => !wanted.has(key) && inInventory.has(key) && o.metadata.annotations?.[PRUNE] !== 'disabled')
    .map(([, o]) => prunedChange(o, revision.env));
  return [...applied.filter((c): c is ObjectChange => c !== undefined), ...pruned].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Live objects carrying the environment's owner label, of the kinds it holds or held, by key. */
async function ownedObjects(kube: KubeClient, env: string, targets: readonly KindTarget[]): Promise<Map<string, K8sObject>> {
  const owned = new Map<string, K8sObject>();
  for (const { apiVersion, kind, namespace } of await scopesOf(kube, targets)) {
    for (const o of await kube.list(apiVersion, kind, { namespace, labelSelector: ownerSelector(env) })) owned.set(refKey(refOf(o)), o);
  }
  return owned;
}

/**
 * Which objects the server cannot dry-run yet: in a namespace the set creates, or of a kind only a CRD of the
 * set serves. One in a missing namespace the set does not create is refused, as the agent's dry run would.
 */
async function notYetCheckable(kube: KubeClient, objects: readonly DesiredObject[], limit: LimitFunction): Promise<(d: DesiredObject) => boolean> {
  const namespaces = [...new Set(objects.map((d) => d.ref.namespace).filter((n) => n !== ''))];
  const missing = new Set((await Promise.all(namespaces.map((n) => limit(async () => ((await kube.read('v1', 'Namespace', '', n)) ? undefined : n))))).filter((n) => n !== undefined));
  const created = new Set(objects.filter((d) => d.ref.kind === 'Namespace').map((d) => d.ref.name));
  const newKinds = kindsDefinedBy(objects);
  const unserved = new Set<string>();
  for (const kind of newKinds) {
    const d = objects.find((o) => `${o.ref.group}/${o.ref.kind}` === kind);
    if (d && !(await kube.resource(d.object.apiVersion, d.object.kind))) unserved.add(kind);
  }
  return (d) => {
    if (missing.has(d.ref.namespace) && !created.has(d.ref.namespace)) {
      throw new Error(`namespace ${d.ref.namespace} does not exist and this revision does not create it (add the Namespace to an app, or create it in the cluster first)`);
    }
    return missing.has(d.ref.namespace) || unserved.has(`${d.ref.group}/${d.ref.kind}`);
  };
}

/** The dry run of one object against its live self; undefined when applying would change nothing. */
async function dryRunChange(kube: KubeClient, d: DesiredObject, owned: K8sObject | undefined, env: string): Promise<ObjectChange | undefined> {
  const live = owned ?? (await kube.read(d.object.apiVersion, d.object.kind, d.ref.namespace, d.ref.name));
  if (live && !owned) {
    throw new Error(`already exists and is not managed by typed-gitops for ${env}: the agent would not apply over it (delete it, or label it ${OWNER_ENV}=${env} to adopt it)`);
  }
  const result = await kube.apply(d.object, { dryRun: true, force: true });
  const path = pathOf(env, d.app, d.ref);
  if (!live) return objectChange(env, d.app, path, undefined, toYaml(d.object));
  const before = toYaml(withoutNoise(live));
  const after = toYaml(withoutNoise(result));
  return before === after ? undefined : objectChange(env, d.app, path, before, after);
}

function prunedChange(o: K8sObject, env: string): ObjectChange {
  const ref = refOf(o);
  const app = o.metadata.labels?.[OWNER_APP] ?? '_unknown';
  return objectChange(env, app, pathOf(env, app, ref), toYaml(withoutNoise(o)), undefined);
}

/** Where the compiler renders an object (the paths `gitops diff` shows), whatever file of the revision held it. */
function pathOf(env: string, app: string, ref: ObjectRef): string {
  return `${env}/${objectPath({ app, ref })}`;
}

/** What every write changes or the server keeps to itself: not part of what applying would change. */
const NOISE = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid', 'selfLink'];

/** The object without bookkeeping and status (an apply never writes status), so a diff shows only what applying changes. */
function withoutNoise(o: K8sObject): K8sObject {
  const metadata = Object.fromEntries(Object.entries(o.metadata).filter(([k]) => !NOISE.includes(k))) as K8sObject['metadata'];
  const { status: _status, ...rest } = o as K8sObject & { status?: unknown };
  return { ...rest, metadata };
}
