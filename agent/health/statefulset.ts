// Health of a StatefulSet: waiting for its controller, updating pods (up to the partition of a
// rolling update), or all replicas ready. StatefulSets have no progress deadline, so a rollout
// that never finishes stays Progressing.
import type { K8sObject } from '../types.ts';
import { count, health, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health } from './types.ts';

interface StatefulSetSpec {
  replicas: number;
  updateStrategy: { type?: string; rollingUpdate?: { partition?: number } };
}
interface StatefulSetStatus { observedGeneration: number; readyReplicas: number; availableReplicas: number; updatedReplicas: number }

export function statefulSetHealth(object: K8sObject): Health {
  const spec = specOf<StatefulSetSpec>(object);
  const status = statusOf<StatefulSetStatus>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration ?? 0);
  if (unobserved) return health(object, 'Progressing', unobserved);

  const wanted = spec.replicas ?? 1;
  const ready = status.availableReplicas ?? status.readyReplicas ?? 0;
  const readiness = `${ready} of ${count(wanted, 'replica')} ready`;
  // Under the default OrderedReady policy pods start one at a time: until one is ready, the next
  // is not even created (or updated).
  if (ready < wanted) return health(object, 'Progressing', readiness);
  // OnDelete updates nothing by itself, and a partition keeps the lower ordinals on the old revision
  // on purpose: only the pods the controller is meant to update count.
  if (spec.updateStrategy?.type !== 'OnDelete') {
    const toUpdate = wanted - (spec.updateStrategy?.rollingUpdate?.partition ?? 0);
    const updated = status.updatedReplicas ?? 0;
    if (updated < toUpdate) return health(object, 'Progressing', `${updated} of ${count(toUpdate, 'replica')} updated`);
  }
  return health(object, 'Healthy', readiness);
}
