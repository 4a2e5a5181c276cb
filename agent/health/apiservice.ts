// Health of an APIService: Available=False means the aggregated API does not answer, and
// discovery of every group then fails for clients, so it is Degraded, not a wait.
import type { K8sObject } from '../types.ts';
import { conditionOf, explain, health, isFalse, isTrue } from './read.ts';
import type { Health } from './types.ts';

export function apiServiceHealth(object: K8sObject): Health {
  const available = conditionOf(object, 'Available');
  if (isTrue(available)) return health(object, 'Healthy', 'available');
  if (isFalse(available)) return health(object, 'Degraded', `not available: ${explain(available!)}`);
  return health(object, 'Progressing', available ? `availability unknown: ${explain(available)}` : 'waiting for the API server to check it');
}
