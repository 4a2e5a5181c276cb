// Helm hooks turned into what the agent's ordering understands (it has no install/upgrade/delete events):
// - pre-install / pre-upgrade (and helm 2's crd-install): applied first, sync wave -1000 + hook weight;
// - post-install / post-upgrade: applied last, sync wave 1000 + hook weight;
// - test hooks and hooks that only run on delete or rollback: dropped;
// - a hook Job or Pod is re-created when it changes (helm's before-hook-creation), a `helm.sh/resource-policy: keep`
//   object is never pruned. The helm.sh/hook* annotations are removed, so what is rendered is what happens.
import { PRUNE, RECREATE, SYNC_WAVE } from '../../agent/labels.ts';
import type { K8sObject } from '../../core/types.ts';

const HOOK = 'helm.sh/hook';
const HOOK_WEIGHT = 'helm.sh/hook-weight';
const HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';
const RESOURCE_POLICY = 'helm.sh/resource-policy';

const BEFORE = new Set(['pre-install', 'pre-upgrade', 'crd-install']);
const AFTER = new Set(['post-install', 'post-upgrade']);
const DROPPED = new Set(['test', 'test-success', 'test-failure', 'pre-delete', 'post-delete', 'pre-rollback', 'post-rollback']);
const WAVE_SPAN = 1000;

/** The object as we render it, or undefined when it is dropped; throws on a hook we do not know. */
export function translateHooks(object: K8sObject, template: string): K8sObject | undefined {
  const annotations = { ...object.metadata.annotations };
  const hooks = (annotations[HOOK] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  const unknown = hooks.filter((h) => !BEFORE.has(h) && !AFTER.has(h) && !DROPPED.has(h));
  if (unknown.length > 0) {
    throw new Error(`template ${template}: helm hook '${unknown.join(',')}' is not one typed-gitops knows (pre-/post-install, pre-/post-upgrade, test, delete and rollback hooks)`);
  }
  const phase = hooks.some((h) => BEFORE.has(h)) ? -1 : hooks.some((h) => AFTER.has(h)) ? 1 : hooks.length > 0 ? undefined : 0;
  if (phase === undefined || hooks.some((h) => h.startsWith('test'))) return undefined;
  if (annotations[RESOURCE_POLICY] === 'keep') annotations[PRUNE] = 'disabled';
  if (phase !== 0) {
    annotations[SYNC_WAVE] ??= String(phase * WAVE_SPAN + hookWeight(annotations[HOOK_WEIGHT], template));
    if (object.kind === 'Job' || object.kind === 'Pod') annotations[RECREATE] ??= 'true';
  }
  for (const key of [HOOK, HOOK_WEIGHT, HOOK_DELETE_POLICY, RESOURCE_POLICY]) delete annotations[key];
  const { annotations: _old, ...metadata } = object.metadata;
  return { ...object, metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata };
}

function hookWeight(value: string | undefined, template: string): number {
  if (value === undefined || value.trim() === '') return 0;
  const weight = Number(value);
  if (!Number.isInteger(weight) || Math.abs(weight) >= WAVE_SPAN) {
    throw new Error(`template ${template}: helm.sh/hook-weight '${value}' is not an integer between -${WAVE_SPAN - 1} and ${WAVE_SPAN - 1}`);
  }
  return weight;
}
