// Health of a Deployment: paused, waiting for its controller, rolling out, stuck past its
// progress deadline, or all replicas updated and available (the checks of `kubectl rollout status`).
import type { K8sObject } from '../types.ts';
import { conditionOf, count, explain, health, isTrue, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

interface DeploymentSpec { replicas: number; paused: boolean }
interface DeploymentStatus { observedGeneration: number; replicas: number; updatedReplicas: number; availableReplicas: number }

export function deploymentHealth(object: K8sObject): Health {
  const spec = specOf<DeploymentSpec>(object);
  const status = statusOf<DeploymentStatus>(object);
  if (spec.paused) return health(object, 'Suspended', 'rollout paused');
  const unobserved = unobservedSpec(object, status.observedGeneration ?? 0);
  if (unobserved) return health(object, 'Progressing', unobserved);

  const wanted = spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const availability = `${available} of ${count(wanted, 'replica')} available`;
  // The controller gives up on a rollout only through these two conditions.
  const progressing = conditionOf(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return health(object, 'Degraded', `rollout stuck: ProgressDeadlineExceeded, ${availability}`);
  }
  const failure = conditionOf(object, 'ReplicaFailure');
  if (isTrue(failure)) return health(object, 'Degraded', `cannot create pods: ${explain(failure!)}`);

  if (updated < wanted) return health(object, 'Progressing', `${updated} of ${count(wanted, 'replica')} updated`);
  const old = (status.replicas ?? 0) - updated;
  if (old > 0) return health(object, 'Progressing', `${count(old, 'old replica')} pending termination`);
  if (available < wanted) return health(object, 'Progressing', availability);
  return health(object, 'Healthy', availability);
}
