// What a pipeline gates on: the exit code a status says, and whether waiting for it can still change it.
// Pure: `gitops status` and `gitops agent --once` both decide with it.
import { EXIT_CODES } from '../core/errors.ts';
import type { ReconcileResult } from './types.ts';

export interface Verdict {
  readonly code: number;
  /** One line that says why, for stderr. */
  readonly reason: string;
  /** Nothing left to wait for: Healthy (or Suspended) and synced. */
  readonly settled: boolean;
}

type Judged = Pick<ReconcileResult, 'env' | 'ok' | 'health' | 'revision' | 'sourceCommit'>;

/**
 * Failed (the reconcile) and Degraded or Missing (the health) are non-zero always; with `waitingHealthy`
 * (--wait-healthy) anything but Healthy or Suspended is too, and `settled` says the wait may end.
 */
export function verdictOf(result: Judged, waitingHealthy: boolean): Verdict {
  const health = result.health?.status;
  const about = `${result.env}${health ? ` is ${health}` : ''}`;
  const settled = result.ok && (health === 'Healthy' || health === 'Suspended');
  if (!result.ok) return { code: EXIT_CODES.reconcileFailed, reason: `${result.env}: the last reconcile failed`, settled };
  if (health === 'Degraded' || health === 'Missing') return { code: EXIT_CODES.degraded, reason: `${about}: ${result.health!.message}`, settled };
  if (waitingHealthy && !settled) return { code: EXIT_CODES.notHealthy, reason: `${about}${health ? `: ${result.health!.message}` : ' (no health assessed)'}`, settled };
  return { code: EXIT_CODES.ok, reason: `${about}`, settled };
}

/** The worst of several environments' verdicts (the highest code; ok only when all are). */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  const worst = verdicts.reduce<Verdict | undefined>((w, v) => (!w || v.code > w.code ? v : w), undefined);
  return worst ? { ...worst, settled: verdicts.every((v) => v.settled) } : { code: EXIT_CODES.ok, reason: 'no environments', settled: true };
}

/** Whether `result` is of the wanted commit: a prefix of the rendered revision or of its source commit (any when none is wanted). */
export function isOfCommit(result: Pick<ReconcileResult, 'revision' | 'sourceCommit'>, wanted: string | undefined): boolean {
  if (!wanted) return true;
  const w = wanted.toLowerCase();
  return [result.revision, result.sourceCommit].some((c) => c !== undefined && c.toLowerCase().startsWith(w));
}
