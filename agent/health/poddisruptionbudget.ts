// Health of a PodDisruptionBudget: its controller writes a status for every budget, so none yet is
// Progressing; DisruptionAllowed=False for reason SyncFailed (pods whose controller or scale it
// cannot resolve) is Degraded, since it then blocks every eviction. Fewer healthy pods than the
// budget wants is Healthy, with a message: a budget larger than its workload is a valid choice (it
// blocks voluntary evictions on purpose), and the pods' own checks say whether they are broken.
import type { K8sObject } from '../types.ts';
import { awaitingStatus } from './generic.ts';
import { conditionOf, explain, health, isFalse, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

interface PdbStatus { observedGeneration: unknown; currentHealthy: number; desiredHealthy: number; disruptionsAllowed: number }

export function podDisruptionBudgetHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, 'the disruption controller');
  if (waiting) return waiting;
  const allowed = conditionOf(object, 'DisruptionAllowed');
  if (isFalse(allowed) && allowed!.reason === 'SyncFailed') return health(object, 'Degraded', `cannot compute the budget: ${explain(allowed!)}`);
  const status = statusOf<PdbStatus>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const current = Number(status.currentHealthy ?? 0);
  const desired = Number(status.desiredHealthy ?? 0);
  if (current < desired) return health(object, 'Healthy', `${current} of ${desired} healthy pods the budget wants: evictions are blocked`);
  return health(object, 'Healthy', `${current} healthy pods, ${Number(status.disruptionsAllowed ?? 0)} disruptions allowed`);
}
