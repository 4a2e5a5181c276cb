// Health of a Namespace: Active, or Terminating with what its deletion still waits for (the
// namespace controller's conditions that are True: remaining content, finalizers, failures).
import type { K8sObject } from '../types.ts';
import { health, statusOf, type Condition } from './read.ts';
import type { Health } from './types.ts';

export function namespaceHealth(object: K8sObject): Health {
  const status = statusOf<{ phase: string; conditions: Condition[] }>(object);
  if (status.phase !== 'Terminating') return health(object, 'Healthy', 'active');
  const blockers = (status.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.message ?? c.reason ?? c.type);
  return health(object, 'Progressing', blockers.length ? `terminating: ${blockers.join('; ')}` : 'terminating');
}
