// `gitops status`: reads environments' status objects from the cluster, prints them for people (or as
// JSON), and gives the exit code a pipeline gates on; with --wait-healthy it polls until Healthy or the
// deadline, with --watch it prints again whenever a status changes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConnection } from './kubeconfig.ts';
import { ClusterError, EXIT_CODES, UserInputError } from '../core/errors.ts';
import { KubeClient } from './kube.ts';
import { statusName, type StoredResult } from './status.ts';
import { isOfCommit, verdictOf, worstVerdict, type Verdict } from './status-verdict.ts';

export type { StoredResult } from './status.ts';
import { formatStatus } from './status-table.ts';

export { formatStatus };

const STATUS_PREFIX = statusName('');

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
  return parseStored(text, `${namespace}/${name}`);
}

/** result.json of a status ConfigMap; anyone who may edit it can break it, so it is named when it is not JSON. */
function parseStored(text: string, name: string): StoredResult {
  try {
    return JSON.parse(text) as StoredResult;
  } catch {
    throw new ClusterError('its result.json is not JSON', { object: `ConfigMap ${name}`, hint: 'The agent writes it again after its next reconcile that says something new; or delete the ConfigMap.' });
  }
}

/** Every environment with a status object in the agent's namespace, by name. */
export async function readAllStatuses(connection: KubeConnection, namespace: string): Promise<StoredResult[]> {
  const maps = await new KubeClient(connection).list('v1', 'ConfigMap', { namespace, labelSelector: 'app.kubernetes.io/managed-by=typed-gitops' });
  const results = maps
    .filter((m) => m.metadata.name?.startsWith(STATUS_PREFIX))
    .flatMap((m) => { const text = (m.data as Record<string, string> | undefined)?.['result.json']; return text ? [parseStored(text, `${namespace}/${m.metadata.name}`)] : []; });
  if (results.length === 0) {
    throw new UserInputError(`no environment has a status in namespace ${namespace}`, { hint: "Start an agent (gitops agent --env …), or pass the agent's --namespace." });
  }
  return results.sort((a, b) => a.env.localeCompare(b.env));
}

export interface WatchOptions {
  /** Reads the statuses to judge (one environment or all). */
  readonly read: () => Promise<StoredResult[]>;
  /** Called with each set of statuses that differs from the last one shown. */
  readonly show: (results: readonly StoredResult[]) => void;
  /** --wait-healthy: ms until the deadline; absent: no waiting for health. */
  readonly waitMs?: number;
  /** --watch: keep going (until the wait settles, or forever without one). */
  readonly watch?: boolean;
  /** Only a status of this rendered or source commit (a prefix) counts as arrived. */
  readonly commit?: string;
  /** @default 2_000 */
  readonly pollMs?: number;
}

/** Reads (and shows) until there is nothing to wait for, then says the verdict; a status not there yet is waited for too. */
export async function watchStatus(options: WatchOptions): Promise<Verdict> {
  const deadline = options.waitMs === undefined ? undefined : Date.now() + options.waitMs;
  const waiting = deadline !== undefined;
  let shown = '';
  for (;;) {
    const read = await options.read().catch((error: unknown) => { if (deadline === undefined || Date.now() >= deadline) throw error; return undefined; });
    if (read) {
      const text = JSON.stringify(read);
      if (text !== shown) { options.show(read); shown = text; }
      const verdict = worstVerdict(read.map((r) => judge(r, waiting, options.commit)));
      const timeUp = deadline !== undefined && Date.now() + (options.pollMs ?? 2_000) > deadline;
      if (waiting ? verdict.done || timeUp : !options.watch) return verdict;
    }
    await sleep(options.pollMs ?? 2_000);
  }
}

function judge(result: StoredResult, waiting: boolean, commit: string | undefined): Verdict {
  if (isOfCommit(result, commit)) return verdictOf(result, waiting);
  const at = result.revision?.slice(0, 12) ?? 'no revision';
  return { code: EXIT_CODES.notHealthy, reason: `${result.env} is at ${at}, not yet at ${commit}`, done: false };
}

/** Prints statuses as tables (cleared and redrawn on a terminal under --watch) or JSON: one result when `single`, else a list. */
export function statusPrinter(output: 'table' | 'json', options: { single: boolean; watch?: boolean }): (results: readonly StoredResult[]) => void {
  const tty = process.stdout.isTTY === true;
  return (results) => {
    if (output === 'json') {
      process.stdout.write(`${JSON.stringify(options.single ? results[0] : results, null, 2)}\n`);
      return;
    }
    const table = { width: process.stdout.columns || 80, color: tty && !process.env.NO_COLOR };
    const text = results.map((r) => formatStatus(r, table)).join('\n');
    process.stdout.write(options.watch && tty ? `\x1b[H\x1b[2J${text}` : text);
  };
}
