// The one ranking of health statuses: when objects are summed up into an app or an environment,
// the worst status wins.
import type { HealthStatus } from './types.ts';

// Best to worst. Why this order:
// - Degraded: known to be broken and will not fix itself; the first thing anyone must see.
// - Missing: something git says should exist is not there; broken too, but the agent can
//   usually recreate it, so it ranks below a failure it cannot fix.
// - Progressing: on its way; worth waiting for, not yet worth an alarm.
// - Unknown: we could not tell. It ranks above Suspended and Healthy so that an object we cannot
//   assess never lets its app read as fine, and below Progressing so that a concrete "still
//   rolling out" is the message shown when both occur.
// - Suspended: paused on purpose (a paused Deployment, a suspended CronJob): a known, intended state.
// - Healthy.
const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Unknown', 'Progressing', 'Missing', 'Degraded'];

/** 0 for Healthy, higher is worse. */
export function healthRank(status: HealthStatus): number {
  return ORDER.indexOf(status);
}

/** The worst of the given statuses; Healthy when there are none. */
export function worstOf(...statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((worst, s) => (healthRank(s) > healthRank(worst) ? s : worst), 'Healthy');
}

/** Settled means nothing left to wait for: Healthy, or Suspended on purpose. */
export function isSettled(status: HealthStatus): boolean {
  return status === 'Healthy' || status === 'Suspended';
}
