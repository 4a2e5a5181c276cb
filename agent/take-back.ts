// Before we apply an object someone edited by hand (kubectl edit, client-side kubectl apply), the list
// entries their edit put into lists git sets are moved to our field manager, so that our apply replaces
// them instead of keeping them next to ours (a Service with ports 80 and 8081 both named "http" fails
// validation on every apply). One JSON patch of metadata.managedFields per object, guarded by its
// resourceVersion; the stale last-applied annotation of a client-side apply goes with it.
import type { LimitFunction } from 'p-limit';
import { refKey } from '../core/kinds.ts';
import { refusalOf, type KubeClient } from './kube.ts';
import { FIELD_MANAGER } from './labels.ts';
import { takeBack } from './managed-fields.ts';
import type { LiveState } from './observe.ts';
import type { ApplyStep } from './plan.ts';
import type { Change, DesiredObject } from './types.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
// Controllers write status right after an edit (a Deployment's rollout), so the guard may fail a few times;
// a failed JSON patch `test` comes back as 422.
const ATTEMPTS = 5;
const CONFLICT = new Set([409, 422]);

/** Takes back what hand edits hold in the objects about to be applied; returns, by object key, what was undone. */
export async function takeBackHandEdits(kube: KubeClient, steps: readonly ApplyStep[], live: LiveState, limit: LimitFunction): Promise<Map<string, string>> {
  const edited = steps.filter((s) => live.handEdited.has(refKey(s.desired.ref)));
  const undone = new Map<string, string>();
  await Promise.all(edited.map((s) => limit(async () => {
    const what = await takeBackOne(kube, s.desired);
    if (what) undone.set(refKey(s.desired.ref), what);
  })));
  return undone;
}

/** The change's reason, when it did not say anything itself, tells which hand edits the apply undid. */
export function withUndone(change: Change, undone: ReadonlyMap<string, string>): Change {
  const what = undone.get(refKey(change.ref));
  return what && !change.reason && (change.action === 'configured' || change.action === 'unchanged') ? { ...change, reason: what } : change;
}

async function takeBackOne(kube: KubeClient, desired: DesiredObject): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await patchOnce(kube, desired);
    } catch (error) {
      // Changed since we read it: read again. After the last attempt the apply goes ahead as before, and a
      // rejection of it holds back this object alone (dry-run.ts).
      if (!CONFLICT.has(refusalOf(error)?.status ?? 0)) throw error;
      if (attempt === ATTEMPTS) return undefined;
    }
  }
}

async function patchOnce(kube: KubeClient, desired: DesiredObject): Promise<string | undefined> {
  const { ref, object: wanted } = desired;
  const live = await kube.read(wanted.apiVersion, ref.kind, ref.namespace, ref.name); // the cache keeps no managedFields
  if (!live) return undefined;
  const taken = takeBack(live, wanted, FIELD_MANAGER);
  const staleAnnotation = live.metadata.annotations?.[LAST_APPLIED] !== undefined && wanted.metadata.annotations?.[LAST_APPLIED] === undefined;
  if (!taken && !staleAnnotation) return undefined;
  await kube.jsonPatch(live, [
    { op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion },
    ...(taken ? [{ op: 'replace', path: '/metadata/managedFields', value: taken.managedFields }] : []),
    ...(staleAnnotation ? [{ op: 'remove', path: `/metadata/annotations/${LAST_APPLIED.replace('/', '~1')}` }] : []),
  ]);
  return [
    ...(taken ? [`replaced the list entries that ${taken.from.join(' and ')} added (a hand edit) with git's`] : []),
    ...(staleAnnotation ? [`dropped the ${LAST_APPLIED} annotation of a client-side kubectl apply`] : []),
  ].join('; ');
}
