// What a pipeline gates on: the exit code a status says, and whether waiting for it can still change it.
// Pure: `gitops status` and `gitops agent --once` both decide with it.
import { EXIT_CODES } from '../core/errors.ts';
import type { ReconcileResult } from './types.ts';

export interface Verdict {
  readonly code: number;
  /** One line that says why, for stderr. */
  readonly reason: string;
  /** Waiting will not change it: synced and Healthy (or Suspended), failed, or Degraded (which does not mend itself). */
  readonly done: boolean;
}

type Judged = Pick<ReconcileResult, 'env' | 'ok' | 'health' | 'revision' | 'sourceCommit'>;

/**
 * Failed (the reconcile) and Degraded or Missing (the health) are non-zero always; with `waitingHealthy`
 * (--wait-healthy) anything but Healthy or Suspended is too. Missing is waited for: the agent recreates it.
 */
export function verdictOf(result: Judged, waitingHealthy: boolean): Verdict {
  const health = result.health?.status;
  const about = `${result.env}${health ? ` is ${health}: ${result.health!.message}` : ''}`;
  if (!result.ok) return { code: EXIT_CODES.reconcileFailed, reason: `${result.env}: the last reconcile failed`, done: true };
  if (health === 'Degraded') return { code: EXIT_CODES.degraded, reason: about, done: true };
  if (health === 'Missing') return { code: EXIT_CODES.degraded, reason: about, done: false };
  const healthy = health === 'Healthy' || health === 'Suspended';
  if (waitingHealthy && !healthy) return { code: EXIT_CODES.notHealthy, reason: health ? about : `${about}: no health assessed yet`, done: false };
  return { code: EXIT_CODES.ok, reason: about, done: healthy };
}

/** The worst of several environments' verdicts (the highest code); done when all are, or when one is done and not ok. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  const worst = verdicts.reduce<Verdict | undefined>((w, v) => (!w || v.code > w.code ? v : w), undefined);
  return worst ? { ...worst, done: verdicts.every((v) => v.done) || verdicts.some((v) => v.done && v.code !== 0) } : { code: EXIT_CODES.ok, reason: 'no environments', done: true };
}

/** Whether `result` is of the wanted commit: a prefix of the rendered revision or of its source commit (any when none is wanted). */
export function isOfCommit(result: Pick<ReconcileResult, 'revision' | 'sourceCommit'>, wanted: string | undefined): boolean {
  if (!wanted) return true;
  const w = wanted.toLowerCase();
  return [result.revision, result.sourceCommit].some((c) => c !== undefined && c.toLowerCase().startsWith(w));
}
