// Health of the desired objects after a reconcile. After a change, the objects this reconcile wrote
// are waited for (up to a timeout) and, if they do not settle, the report says which one holds them
// up; the others are read once. With the watch cache, this costs no requests.
import { refKey, refOf } from '../core/kinds.ts';
import { healthReport, isSettled } from './health/index.ts';
import { healthRulesPath } from '../core/tree-paths.ts';
import { loadHealthRules, type HealthRules } from './health/rules.ts';
import { statuslessKinds } from './health/statusless.ts';
import type { HealthReport, Observed } from './health/types.ts';
import { observeLive, waitForHealth, type WaitTarget } from './health/wait.ts';
import type { KubeClient } from './kube.ts';
import type { Change, DesiredSet, K8sObject } from './types.ts';
import type { WatchCache } from './watch-cache.ts';

export async function assessHealth(kube: KubeClient, cache: WatchCache | undefined, desired: DesiredSet, changes: readonly Change[], timeoutMs: number): Promise<HealthReport> {
  const assess = { rules: rulesOf(desired.revision.healthRules, healthRulesPath(desired.revision.env)), statusless: statuslessKinds(desired.objects.map((d) => d.object)) };
  const targets = desired.objects.map((d) => ({ apiVersion: d.object.apiVersion, ref: d.ref, app: d.app }));
  const read = cache ? async (wanted: readonly WaitTarget[]) => observeCached(cache, wanted) : (wanted: readonly WaitTarget[]) => observeLive(kube, wanted);
  const written = new Set(changes.filter((c) => c.action === 'created' || c.action === 'configured').map((c) => refKey(c.ref)));
  const waited = written.size > 0 && timeoutMs > 0
    ? await waitForHealth(kube, targets.filter((t) => written.has(refKey(t.ref))), { timeoutMs, pollMs: 500, observe: read, assess })
    : undefined;
  const apps = new Map(targets.map((t) => [refKey(t.ref), t.app]));
  const report = healthReport(await read(targets), (ref) => apps.get(refKey(ref)), assess);
  return waited && !waited.objects.every((o) => isSettled(o.status)) ? { ...report, message: waited.message } : report;
}

// The rules of the last rules file seen, compiled once while its text stays the same.
let lastRules: { text: string | undefined; rules: HealthRules } = { text: undefined, rules: new Map() };

function rulesOf(text: string | undefined, file: string): HealthRules {
  if (text !== lastRules.text) lastRules = { text, rules: loadHealthRules(text, file).rules };
  return lastRules.rules;
}

/** Live objects for health checks from the watch cache, one index per kind. */
function observeCached(cache: WatchCache, targets: readonly WaitTarget[]): Observed[] {
  const byKind = new Map<string, Map<string, K8sObject>>();
  return targets.map((t) => {
    const kindKey = `${t.apiVersion}/${t.ref.kind}`;
    let index = byKind.get(kindKey);
    if (!index) {
      index = new Map(cache.list(t.apiVersion, t.ref.kind).map((c) => [refKey(refOf(c.object)), c.object]));
      byKind.set(kindKey, index);
    }
    return { ref: t.ref, object: index.get(refKey(t.ref)) };
  });
}
