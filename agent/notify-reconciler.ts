// Which reconciles are worth a notification and what it says: every one that created, configured,
// pruned or failed something, a failure (also of the source) once until it changes, and the first
// success after a failure. The body is the status object's vocabulary (compact, with counts).
import { formatError } from '../core/errors.ts';
import type { Notifier } from './notify.ts';
import type { Reconciler } from './reconcile.ts';
import { compact } from './status.ts';
import type { ReconcileResult } from './types.ts';

/** Objects listed per action (and errors, notices, unhealthy objects) in one notification; the rest counted. */
const LISTED = 20;

export type NotifyEvent = 'changed' | 'failed' | 'recovered';

/** The reconciler, notifying through `notifier` after each reconcile (never waiting for the delivery). */
export function notifyingReconciler<R extends Pick<Reconciler, 'reconcile' | 'reportSourceError'>>(reconciler: R, notifier: Notifier, env: string): R {
  let lastFailure: string | undefined;
  const tell = (result: ReconcileResult) => {
    const failure = result.ok ? undefined : JSON.stringify([result.revision, result.errors, result.changes.filter((c) => c.action === 'failed')]);
    const event = eventOf(result, lastFailure, failure);
    lastFailure = failure;
    if (event) notifier.send({ type: 'typed-gitops.reconcile', event, ...compact(result, LISTED) });
  };
  return {
    ...reconciler,
    async reconcile(revision) {
      const result = await reconciler.reconcile(revision);
      if (!result.standby) tell(result);
      return result;
    },
    async reportSourceError(error) {
      await reconciler.reportSourceError(error);
      tell({ env, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [`source: ${formatError(error)}; the cluster stays as last applied`], ok: false });
    },
  };
}

/** Pure: why `result` is worth telling, or undefined. `failure` fingerprints it when failed; `lastFailure` the last one told. */
export function eventOf(result: ReconcileResult, lastFailure: string | undefined, failure: string | undefined): NotifyEvent | undefined {
  if (failure !== undefined) return failure === lastFailure ? undefined : 'failed';
  if (result.changes.some((c) => c.action === 'created' || c.action === 'configured' || c.action === 'pruned')) return 'changed';
  return lastFailure !== undefined ? 'recovered' : undefined;
}
