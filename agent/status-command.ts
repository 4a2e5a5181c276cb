// `gitops status`: reads an environment's status object from the cluster and prints it for people
// (or as JSON): revision, when, ok or failed, counts per action, what failed or was skipped and why.
import type { KubeConnection } from './kubeconfig.ts';
import { UserInputError } from '../core/errors.ts';
import { formatRef } from '../core/kinds.ts';
import { KubeClient } from './kube.ts';
import { countActions, statusName, type StoredResult } from './status.ts';
import type { Action } from './types.ts';

export type { StoredResult } from './status.ts';

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
  const omitted = result.omitted ?? {};
  if (result.health) {
    lines.push(`  health         ${result.health.status}: ${result.health.message}`);
    for (const [app, h] of Object.entries(result.health.apps)) lines.push(`    ${app.padEnd(14)} ${h.status}${h.status === 'Healthy' ? '' : `: ${h.message}`}`);
    lines.push(...more(omitted.apps, 'apps', '    '));
  }
  for (const action of ['failed', 'skipped'] as const) {
    const listed = result.changes.filter((c) => c.action === action);
    if (listed.length === 0) continue;
    lines.push(`  ${action}:`, ...listed.map((c) => `    ${formatRef(c.ref)}${c.reason ? `: ${c.reason}` : ''}`), ...more((counts[action] ?? 0) - listed.length, action, '    '));
  }
  if (result.notices?.length) lines.push('  notices:', ...result.notices.map((n) => `    ${n}`), ...more(omitted.notices, 'notices', '    '));
  if (result.errors.length > 0) lines.push('  errors:', ...result.errors.map((e) => `    ${e.replace(/\n/g, '\n    ')}`), ...more(omitted.errors, 'errors', '    '));
  return `${lines.join('\n')}\n`;
}

/** The line that says how many the status object counted but did not list (none when it listed all). */
function more(count: number | undefined, what: string, indent: string): string[] {
  return count && count > 0 ? [`${indent}… and ${count} more ${what}`] : [];
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
