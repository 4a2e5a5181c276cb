// `gitops status`: reads an environment's status object from the cluster and prints it for people
// (or as JSON): revision, when, ok or failed, counts per action, what failed or was skipped and why.
import type { KubeConnection } from './kubeconfig.ts';
import { UserInputError } from '../compiler/errors.ts';
import { formatRef } from '../compiler/kinds.ts';
import { KubeClient } from './kube.ts';
import { countActions, statusName } from './status.ts';
import type { Action, ReconcileResult } from './types.ts';

/** A ReconcileResult as the status object stores it: unchanged objects counted, not listed. */
export type StoredResult = ReconcileResult & { readonly counts?: Record<Action, number> };

export async function readStatus(connection: KubeConnection, namespace: string, env: string): Promise<StoredResult> {
  const name = statusName(env);
  const map = await new KubeClient(connection).read('v1', 'ConfigMap', namespace, name);
  const text = (map?.data as Record<string, string> | undefined)?.['result.json'];
  if (!text) {
    throw new UserInputError(`no status for environment '${env}': ConfigMap ${namespace}/${name} ${map ? 'has no result.json' : 'does not exist'}`, {
      env,
      hint: 'Start the agent for this environment (gitops agent --env …), or pass the agent\'s --namespace.',
    });
  }
  return JSON.parse(text) as StoredResult;
}

const ACTIONS: readonly Action[] = ['created', 'configured', 'unchanged', 'pruned', 'skipped', 'failed'];

export function formatStatus(result: StoredResult, now: Date = new Date()): string {
  const counts = result.counts ?? countActions(result);
  const lines = [
    `${result.env}: ${result.ok ? 'synced' : 'FAILED'}`,
    `  revision       ${result.revision ?? '(none applied yet)'}`,
    `  source commit  ${result.sourceCommit ?? '(unknown)'}`,
    `  reconciled     ${result.startedAt} (${ago(new Date(result.startedAt), now)}), took ${seconds(result.durationMs)}`,
    `  objects        ${ACTIONS.map((a) => `${counts[a] ?? 0} ${a}`).join(', ')}`,
  ];
  if (result.health) {
    lines.push(`  health         ${result.health.status}: ${result.health.message}`);
    for (const [app, h] of Object.entries(result.health.apps)) lines.push(`    ${app.padEnd(14)} ${h.status}${h.status === 'Healthy' ? '' : `: ${h.message}`}`);
  }
  for (const action of ['failed', 'skipped'] as const) {
    const listed = result.changes.filter((c) => c.action === action);
    if (listed.length === 0) continue;
    lines.push(`  ${action}:`, ...listed.map((c) => `    ${formatRef(c.ref)}${c.reason ? `: ${c.reason}` : ''}`));
  }
  if (result.errors.length > 0) lines.push('  errors:', ...result.errors.map((e) => `    ${e.replace(/\n/g, '\n    ')}`));
  return `${lines.join('\n')}\n`;
}

function ago(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
