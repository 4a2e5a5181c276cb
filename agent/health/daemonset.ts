// Health of a DaemonSet: waiting for its controller, updating its pods, or a pod available on
// every node it should run on. Like StatefulSets, DaemonSets have no progress deadline.
import type { K8sObject } from '../types.ts';
import { count, health, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

interface DaemonSetSpec { updateStrategy: { type?: string } }
interface DaemonSetStatus { observedGeneration: number; desiredNumberScheduled: number; updatedNumberScheduled: number; numberAvailable: number }

export function daemonSetHealth(object: K8sObject): Health {
  const spec = specOf<DaemonSetSpec>(object);
  const status = statusOf<DaemonSetStatus>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration ?? 0);
  if (unobserved) return health(object, 'Progressing', unobserved);

  const wanted = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  // With OnDelete, old pods stay until someone deletes them; that is not a rollout to wait for.
  if (spec.updateStrategy?.type !== 'OnDelete' && updated < wanted) {
    return health(object, 'Progressing', `${updated} of ${count(wanted, 'pod')} updated`);
  }
  const availability = `${available} of ${count(wanted, 'pod')} available`;
  return health(object, available < wanted ? 'Progressing' : 'Healthy', availability);
}
