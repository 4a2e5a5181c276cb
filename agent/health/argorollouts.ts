// Argo Rollouts: Rollout (status.phase, which the controller computes since v1.0; older
// controllers wrote only replica counts and a pod-template hash in status.observedGeneration),
// and AnalysisRun and Experiment (status.phase).
// Where we differ from Argo CD on purpose: an Inconclusive analysis is Degraded, not Unknown: it
// holds the rollout until someone decides, and Unknown would read as "we could not tell".
import type { K8sObject } from '../types.ts';
import { conditionOf, count, explain, health, isTrue, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health, HealthCheck, HealthStatus } from './types.ts';

const GROUP = 'argoproj.io';

interface RolloutStatus {
  phase: string; message: string; observedGeneration: unknown; abort: boolean; pauseConditions: unknown[];
  replicas: number; updatedReplicas: number; availableReplicas: number;
}

const ROLLOUT_PHASES: Readonly<Record<string, HealthStatus>> = { Healthy: 'Healthy', Progressing: 'Progressing', Degraded: 'Degraded', Paused: 'Suspended' };

function rolloutHealth(object: K8sObject): Health {
  const spec = specOf<{ replicas: number; paused: boolean }>(object);
  const status = statusOf<RolloutStatus>(object);
  if (Object.keys(status).length === 0) return health(object, 'Progressing', 'waiting for the rollouts controller to write a status');
  // observedGeneration is a number on current controllers, a hash on old ones: only a number can lag.
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const phase = typeof status.phase === 'string' ? ROLLOUT_PHASES[status.phase] : undefined;
  if (phase) return health(object, phase, status.message ? `${status.phase}: ${status.message}` : status.phase!);
  return rolloutFromCounts(object, spec, status);
}

/** For controllers older than v1.0, which wrote no phase. */
function rolloutFromCounts(object: K8sObject, spec: Partial<{ replicas: number; paused: boolean }>, status: Partial<RolloutStatus>): Health {
  const invalid = conditionOf(object, 'InvalidSpec');
  if (isTrue(invalid)) return health(object, 'Degraded', `invalid spec: ${explain(invalid!)}`);
  if (status.abort) return health(object, 'Degraded', 'rollout aborted');
  const progressing = conditionOf(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return health(object, 'Degraded', `rollout stuck: ${explain(progressing)}`);
  if (spec.paused || (Array.isArray(status.pauseConditions) && status.pauseConditions.length > 0)) return health(object, 'Suspended', 'rollout paused');
  const wanted = spec.replicas ?? 1;
  if ((status.updatedReplicas ?? 0) < wanted) return health(object, 'Progressing', `${status.updatedReplicas ?? 0} of ${count(wanted, 'replica')} updated`);
  if ((status.availableReplicas ?? 0) < wanted) return health(object, 'Progressing', `${status.availableReplicas ?? 0} of ${count(wanted, 'replica')} available`);
  return health(object, 'Healthy', `${wanted} of ${count(wanted, 'replica')} available`);
}

const RUN_PHASES: Readonly<Record<string, HealthStatus>> = {
  Pending: 'Progressing', Running: 'Progressing', Successful: 'Healthy', Failed: 'Degraded', Error: 'Degraded', Inconclusive: 'Degraded',
};

/** AnalysisRun and Experiment: both report one phase. */
function runHealth(object: K8sObject): Health {
  const status = statusOf<{ phase: string; message: string }>(object);
  const phase = typeof status.phase === 'string' ? RUN_PHASES[status.phase] : undefined;
  if (!phase) return health(object, 'Progressing', status.phase ? `phase ${status.phase}` : 'not started yet');
  return health(object, phase, status.message ? `${status.phase}: ${status.message}` : status.phase!);
}

export const argoRolloutsChecks: Readonly<Record<string, HealthCheck>> = {
  [`${GROUP}/Rollout`]: rolloutHealth,
  [`${GROUP}/AnalysisRun`]: runHealth,
  [`${GROUP}/Experiment`]: runHealth,
};
