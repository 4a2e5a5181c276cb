// `gitops agent --once --wait-healthy`: reconcile once, then reconcile the same revision again until the
// environment is synced and Healthy or the time is up, so a pipeline can gate on a rollout. Every round
// publishes its status (when it says something new), so `gitops status` follows along.
import { setTimeout as sleep } from 'node:timers/promises';
import { reconcileOnce, type AgentOptions } from './run.ts';
import { verdictOf } from './status-verdict.ts';
import type { ReconcileResult, Revision } from './types.ts';

export interface UntilHealthyOptions extends Pick<AgentOptions, 'source' | 'env' | 'reconciler'> {
  /** How long to wait, in ms, from the start. */
  readonly waitMs: number;
  /** @default 2_000 */
  readonly pollMs?: number;
}

/** The last result: the first that is Healthy, a failed one (waiting cannot mend a failed sync), or the one at the deadline. */
export async function reconcileUntilHealthy(options: UntilHealthyOptions): Promise<ReconcileResult> {
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? 2_000;
  let revision: Revision | undefined;
  const reconciler = { ...options.reconciler, reconcile: (r: Revision) => { revision = r; return options.reconciler.reconcile(r); } };
  let result = await reconcileOnce({ ...options, reconciler });
  while (result.ok && !verdictOf(result, true).done && revision && Date.now() + pollMs < deadline) {
    await sleep(pollMs);
    result = await reconciler.reconcile(revision);
  }
  return result;
}
