// Health of a HorizontalPodAutoscaler: its AbleToScale and ScalingActive conditions (in the status
// for autoscaling/v2, in an annotation for autoscaling/v1).
import type { K8sObject } from '../types.ts';
import { conditionsIn, explain, health, isFalse, isRecord, statusOf, unobservedSpec, type Condition } from './read.ts';
import type { Health } from './types.ts';

interface HpaStatus { observedGeneration: number; conditions: Condition[]; currentReplicas: number; desiredReplicas: number }

const V1_CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';

export function horizontalPodAutoscalerHealth(object: K8sObject): Health {
  const status = statusOf<HpaStatus>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const conditions = status.conditions === undefined ? v1Conditions(object) : conditionsIn(status);
  if (conditions.length === 0) return health(object, 'Progressing', 'waiting for the autoscaler to assess it');
  const find = (type: string) => conditions.find((c) => c.type === type);

  const able = find('AbleToScale');
  if (isFalse(able)) return health(object, 'Degraded', `cannot scale: ${explain(able!)}`);
  const active = find('ScalingActive');
  // ScalingDisabled: the target was scaled to zero, which turns autoscaling off on purpose.
  if (isFalse(active) && active!.reason === 'ScalingDisabled') return health(object, 'Suspended', `scaling disabled: ${explain(active!)}`);
  if (isFalse(active)) return health(object, 'Degraded', `not scaling: ${explain(active!)}`);
  return health(object, 'Healthy', `${status.currentReplicas ?? 0} replicas, ${status.desiredReplicas ?? 0} desired`);
}

function v1Conditions(object: K8sObject): Condition[] {
  const annotation = isRecord(object.metadata.annotations) ? object.metadata.annotations[V1_CONDITIONS] : undefined;
  if (typeof annotation !== 'string') return [];
  try {
    return conditionsIn({ conditions: JSON.parse(annotation) });
  } catch {
    return [];
  }
}
