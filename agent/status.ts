// Publishes a ReconcileResult where people and tools look: a status ConfigMap per environment in
// the agent's namespace (read by `gitops status`) and a Kubernetes Event about it. Whatever a result
// holds (25,000 created objects, 25,000 unhealthy ones, long server messages), what is stored, logged
// and sent stays small: the first objects of each kind of change are listed, the rest counted.
import { formatRef } from '../core/kinds.ts';
import type { Health, ObjectHealth } from './health/types.ts';
import type { KubeClient } from './kube.ts';
import type { Action, Change, K8sObject, ReconcileResult } from './types.ts';
import { permissionIn } from './permission.ts';

/** What the listing left out, so that readers can say "and N more". Changes left out are counts minus listed. */
export interface Omitted {
  readonly unhealthyObjects?: number;
  readonly apps?: number;
  readonly errors?: number;
  readonly notices?: number;
}

/** A ReconcileResult as the status object stores it: unchanged and healthy objects counted, the rest listed up to a limit. */
export type StoredResult = ReconcileResult & { readonly counts?: Record<Action, number>; readonly omitted?: Omitted };

/** Listed at most: objects per action, unhealthy objects, apps, errors and notices. */
export const LIST_LIMIT = 100;
/** Characters of one reason, message, error or notice. */
const TEXT_LIMIT = 2_000;
/** The status object's result.json, far below the 1 MiB ConfigMap limit; a result over it is listed shorter. */
export const STATUS_BYTES = 256 * 1024;

/** What is worth logging and storing of a result: unchanged and healthy objects are counted, the rest listed up to `limit` each. */
export function compact(result: ReconcileResult, limit: number = LIST_LIMIT): StoredResult {
  const counts = countActions(result);
  const changes = firstOfEachAction(result.changes, limit);
  const errors = listed(result.errors, limit, (e) => clip(e)), notices = listed(result.notices ?? [], limit, (n) => clip(n));
  const health = result.health && compactHealth(result.health, limit);
  const omitted = nonZero({ ...health?.omitted, errors: errors.omitted, notices: notices.omitted });
  return {
    ...result,
    ...(result.sourceCommit !== undefined ? { sourceCommit: clip(result.sourceCommit, 100) } : {}), // from a commit trailer: untrusted
    ...(result.subject !== undefined ? { subject: clip(result.subject, 200) } : {}), // so is the subject
    changes,
    errors: errors.items,
    ...(result.notices ? { notices: notices.items } : {}),
    ...(health ? { health: health.report } : {}),
    counts,
    ...(omitted ? { omitted } : {}),
  };
}

export function statusName(env: string): string {
  return `typed-gitops-status-${env}`;
}

export function countActions(result: ReconcileResult): Record<Action, number> {
  const counts: Record<Action, number> = { created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 };
  for (const c of result.changes) counts[c.action]++;
  return counts;
}

/** One line for logs and events: 'revision abc123: 3 created, 1 configured, 40 unchanged'. */
export function summarize(result: ReconcileResult): string {
  const counts = Object.entries(countActions(result)).filter(([, n]) => n > 0).map(([a, n]) => `${n} ${a}`);
  const head = `${result.ok ? 'synced' : 'failed'} ${result.env} at ${result.revision?.slice(0, 12) ?? 'no revision'}`;
  const health = result.health ? `; health ${result.health.status}${result.health.status === 'Healthy' ? '' : `: ${clip(result.health.message)}`}` : '';
  return `${head}: ${counts.join(', ') || 'no objects'}${health}${result.errors.length ? `; ${clip(result.errors[0])}` : ''}`;
}

export async function publishStatus(kube: KubeClient, namespace: string, result: ReconcileResult): Promise<void> {
  const status: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: statusName(result.env), namespace, labels: { 'app.kubernetes.io/managed-by': 'typed-gitops' } },
    data: {
      'result.json': storedJson(result),
      ok: String(result.ok),
      revision: result.revision ?? '',
      sourceCommit: clip(result.sourceCommit ?? '', 100),
      summary: summarize(result),
      health: result.health?.status ?? '',
    },
  };
  const saved = await kube.apply(status);
  await kube.apply(eventFor(saved, result, namespace));
}

/** result.json: the compact result, listed shorter until it fits STATUS_BYTES (at one of each, it always does). */
function storedJson(result: ReconcileResult): string {
  let text = '';
  for (const limit of [LIST_LIMIT, 20, 5, 1]) {
    text = JSON.stringify(compact(result, limit), null, 2);
    if (Buffer.byteLength(text) <= STATUS_BYTES) break;
  }
  return text;
}

function eventFor(status: K8sObject, result: ReconcileResult, namespace: string): K8sObject {
  // At most 400 + 5 × 100 characters and the count of the rest: an Event message over 1 KiB is cut by the server.
  const failed = firstOfEachAction(result.changes.filter((c) => c.action === 'failed'), 5).map((c) => clip(`${formatRef(c.ref)}: ${permissionIn(c.reason ?? '') ?? c.reason}`, 100));
  const more = countActions(result).failed - failed.length;
  // The first notice (e.g. a rewind the agent was allowed to follow) takes 150 of the summary's 400.
  const notice = result.notices?.length ? [clip(result.notices[0], 150)] : [];
  const message = [clip(summarize(result), notice.length ? 250 : 400), ...notice, ...failed, ...(more > 0 ? [`… and ${more} more failed`] : [])].join('\n');
  const time = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${status.metadata.name}.${Date.now().toString(36)}`, namespace },
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: status.metadata.name, namespace, uid: (status.metadata as { uid?: string }).uid },
    reason: result.ok ? 'ReconcileSucceeded' : 'ReconcileFailed',
    message,
    type: result.ok ? 'Normal' : 'Warning',
    source: { component: 'typed-gitops-agent' },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}

/** Changes other than unchanged, at most `limit` of each action, in their order; reasons clipped. */
function firstOfEachAction(changes: readonly Change[], limit: number): Change[] {
  const seen = new Map<Action, number>();
  const kept: Change[] = [];
  for (const c of changes) {
    const n = seen.get(c.action) ?? 0;
    if (c.action === 'unchanged' || n >= limit) continue;
    seen.set(c.action, n + 1);
    kept.push(c.reason === undefined ? c : { ...c, reason: clip(c.reason) });
  }
  return kept;
}

/** Unhealthy objects and apps listed up to `limit` (apps not healthy first); messages clipped. */
function compactHealth(report: NonNullable<ReconcileResult['health']>, limit: number) {
  const unhealthy = report.objects.filter((o) => o.status !== 'Healthy');
  const objects = listed(unhealthy, limit, (o): ObjectHealth => ({ ...o, message: clip(o.message) }));
  const byWorst = Object.entries(report.apps).sort(([, a], [, b]) => Number(a.status === 'Healthy') - Number(b.status === 'Healthy'));
  const apps = listed(byWorst, limit, ([app, h]): [string, Health] => [app, { status: h.status, message: clip(h.message) }]);
  return {
    report: { ...report, message: clip(report.message), apps: Object.fromEntries(apps.items), objects: objects.items },
    omitted: { unhealthyObjects: objects.omitted, apps: apps.omitted },
  };
}

function listed<T, U>(all: readonly T[], limit: number, map: (item: T) => U) {
  return { items: all.slice(0, limit).map(map), omitted: Math.max(0, all.length - limit) };
}

function nonZero(omitted: Record<string, number>): Omitted | undefined {
  const kept = Object.entries(omitted).filter(([, n]) => n > 0);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

export function clip(text: string, max: number = TEXT_LIMIT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
