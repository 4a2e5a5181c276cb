// /readyz: more than alive. Ready when a cycle has finished and the branch head was read from the
// remote recently, as the leader (which reconciles from its watch cache) or as a standby (ready to take over).
import type { ReconcileResult } from './types.ts';

export interface Readiness {
  readonly ready: boolean;
  readonly role?: 'leader' | 'standby';
  readonly reason: string;
}

export interface ReadinessState {
  readonly now: number;
  readonly last?: ReconcileResult;
  /** When the branch head was last read from the remote (ms since the epoch). */
  readonly headSeenAt?: number;
  /** How old that read may be: a few intervals. */
  readonly freshForMs: number;
}

export function readiness(state: ReadinessState): Readiness {
  if (!state.last) return { ready: false, reason: 'no cycle has finished yet' };
  const role = state.last.standby ? 'standby' : 'leader';
  if (state.headSeenAt === undefined) return { ready: false, role, reason: 'the branch head has not been read from the remote yet' };
  const age = state.now - state.headSeenAt;
  if (age > state.freshForMs) return { ready: false, role, reason: `the branch head was last read ${Math.round(age / 1000)} s ago (more than ${Math.round(state.freshForMs / 1000)} s): is git unreachable?` };
  return { ready: true, role, reason: role === 'leader' ? 'reconciling' : 'standby, following git' };
}

/** Three intervals, and at least a minute: one slow fetch is not an outage. */
export function freshness(intervalMs: number): number {
  return Math.max(3 * intervalMs, 60_000);
}
