// Health of a ReplicaSet: waiting for its controller, unable to create pods, or all replicas available.
import type { K8sObject } from '../types.ts';
import { conditionOf, count, explain, health, isTrue, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

interface ReplicaSetStatus { observedGeneration: number; availableReplicas: number }

export function replicaSetHealth(object: K8sObject): Health {
  const status = statusOf<ReplicaSetStatus>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration ?? 0);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const failure = conditionOf(object, 'ReplicaFailure');
  if (isTrue(failure)) return health(object, 'Degraded', `cannot create pods: ${explain(failure!)}`);

  const wanted = specOf<{ replicas: number }>(object).replicas ?? 1;
  const available = status.availableReplicas ?? 0;
  const availability = `${available} of ${count(wanted, 'replica')} available`;
  return health(object, available < wanted ? 'Progressing' : 'Healthy', availability);
}
