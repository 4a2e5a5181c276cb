// Health of any other kind, from the conventions most controllers follow (kstatus): the
// observed generation, and the Ready, Stalled and Reconciling conditions. No status at all is
// Healthy: most kinds without a controller (ConfigMap, Role, ...) never get one.
import type { K8sObject } from '../types.ts';
import { conditionOf, explain, health, isTrue, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

export function genericHealth(object: K8sObject): Health {
  const status = statusOf<{ observedGeneration: number }>(object);
  if (Object.keys(status).length === 0) return health(object, 'Healthy', 'no status to assess');
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);

  const stalled = conditionOf(object, 'Stalled');
  if (isTrue(stalled)) return health(object, 'Degraded', `stalled: ${explain(stalled!)}`);
  const reconciling = conditionOf(object, 'Reconciling');
  const ready = conditionOf(object, 'Ready');
  // A Ready condition written for an older generation says nothing about the current spec.
  const generation = object.metadata.generation;
  if (ready?.observedGeneration !== undefined && typeof generation === 'number' && ready.observedGeneration < generation) {
    return health(object, 'Progressing', `Ready condition is for generation ${ready.observedGeneration}, not ${generation}`);
  }
  if (isTrue(reconciling) || ready?.status === 'Unknown') {
    return health(object, 'Progressing', `reconciling: ${explain(isTrue(reconciling) ? reconciling! : ready!)}`);
  }
  if (ready?.status === 'False') return health(object, 'Degraded', `not ready: ${explain(ready)}`);
  return health(object, 'Healthy', ready ? 'ready' : 'no Ready condition');
}
