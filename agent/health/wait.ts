// Waits after an apply until the given objects are settled (Healthy or Suspended) or a timeout
// passes, then reports what holds them up. Each poll costs one request per kind and namespace
// (a list), or a read where only one object of that kind and namespace is wanted.
import { setTimeout as sleep } from 'node:timers/promises';
import { refKey } from '../../core/kinds.ts';
import type { KubeClient } from '../kube.ts';
import type { K8sObject, ObjectRef } from '../types.ts';
import { healthReport, type AssessOptions } from './index.ts';
import { isSettled } from './rank.ts';
import type { HealthReport, Observed } from './types.ts';

/** What to wait for: the same shape as an inventory entry (`app` is optional). */
export interface WaitTarget {
  readonly apiVersion: string;
  readonly ref: ObjectRef;
  readonly app?: string;
}

export interface WaitOptions {
  /** @default 60_000 */
  readonly timeoutMs?: number;
  /** @default 1_000 */
  readonly pollMs?: number;
  /** Where live objects come from, e.g. the agent's watch cache. @default requests through `kube` */
  readonly observe?: (targets: readonly WaitTarget[]) => Promise<Observed[]>;
  /** The user's declarative rules and what else the checks may know. @default none */
  readonly assess?: AssessOptions;
}

const DEFAULTS = { timeoutMs: 60_000, pollMs: 1_000 };

export async function waitForHealth(kube: KubeClient, refs: readonly WaitTarget[], options: WaitOptions = {}): Promise<HealthReport> {
  const { timeoutMs, pollMs } = { ...DEFAULTS, ...options };
  const read = options.observe ?? ((targets: readonly WaitTarget[]) => observeLive(kube, targets));
  const apps = new Map(refs.map((r) => [refKey(r.ref), r.app]));
  const appOf = (ref: ObjectRef) => apps.get(refKey(ref));
  const started = Date.now();
  for (;;) {
    const report = healthReport(await read(refs), appOf, options.assess);
    if (report.objects.every((o) => isSettled(o.status))) return report;
    const waited = Date.now() - started;
    if (waited + pollMs > timeoutMs) return { ...report, message: `not settled after ${(waited / 1000).toFixed(1)}s: ${report.message}` };
    await sleep(pollMs);
  }
}

/** The live object for each target, in the order given, by requests; a failed request makes its objects Unknown. */
export async function observeLive(kube: KubeClient, targets: readonly WaitTarget[]): Promise<Observed[]> {
  const groups = new Map<string, WaitTarget[]>();
  for (const t of targets) {
    const key = `${t.apiVersion}/${t.ref.kind}/${t.ref.namespace}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  const live = new Map<string, K8sObject | Error | undefined>();
  await Promise.all([...groups.values()].map(async (group) => {
    const { apiVersion, ref } = group[0]!;
    try {
      const found = group.length === 1
        ? [await kube.read(apiVersion, ref.kind, ref.namespace, ref.name)]
        : await kube.list(apiVersion, ref.kind, { namespace: ref.namespace || undefined });
      const byName = new Map(found.filter((o) => o !== undefined).map((o) => [o.metadata.name, o]));
      for (const t of group) live.set(refKey(t.ref), byName.get(t.ref.name));
    } catch (error) {
      for (const t of group) live.set(refKey(t.ref), error as Error);
    }
  }));
  return targets.map((t) => {
    const found = live.get(refKey(t.ref));
    return found instanceof Error ? { ref: t.ref, unreadable: found.message } : { ref: t.ref, object: found };
  });
}
