// Publishes a ReconcileResult where people and tools look: a status ConfigMap per environment in
// the agent's namespace (read by `gitops status`) and a Kubernetes Event about it.
import { formatRef } from '../compiler/kinds.ts';
import type { KubeClient } from './kube.ts';
import type { Action, K8sObject, ReconcileResult } from './types.ts';

/** What is worth logging and storing of a result: unchanged objects and healthy ones are only counted. */
export function compact(result: ReconcileResult): ReconcileResult {
  return {
    ...result,
    changes: result.changes.filter((c) => c.action !== 'unchanged'),
    ...(result.health ? { health: { ...result.health, objects: result.health.objects.filter((o) => o.status !== 'Healthy') } } : {}),
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
  const health = result.health ? `; health ${result.health.status}${result.health.status === 'Healthy' ? '' : `: ${result.health.message}`}` : '';
  return `${head}: ${counts.join(', ') || 'no objects'}${health}${result.errors.length ? `; ${result.errors[0]}` : ''}`;
}

export async function publishStatus(kube: KubeClient, namespace: string, result: ReconcileResult): Promise<void> {
  // Unchanged and healthy objects are counted, not listed, so the status stays small.
  const stored = { ...compact(result), counts: countActions(result) };
  const status: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: statusName(result.env), namespace, labels: { 'app.kubernetes.io/managed-by': 'typed-gitops' } },
    data: {
      'result.json': JSON.stringify(stored, null, 2),
      ok: String(result.ok),
      revision: result.revision ?? '',
      sourceCommit: result.sourceCommit ?? '',
      summary: summarize(result),
      health: result.health?.status ?? '',
    },
  };
  const saved = await kube.apply(status);
  await kube.apply(eventFor(saved, result, namespace));
}

function eventFor(status: K8sObject, result: ReconcileResult, namespace: string): K8sObject {
  const failed = result.changes.filter((c) => c.action === 'failed').map((c) => `${formatRef(c.ref)}: ${c.reason}`);
  const message = [summarize(result), ...failed.slice(0, 5)].join('\n').slice(0, 1000);
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
