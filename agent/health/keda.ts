// KEDA: ScaledObject and ScaledJob report Ready and Active; a paused object sets Paused=True, and a
// ScaledObject that cannot read its scaler's metrics and scales to its fallback sets Fallback=True.
// Where we differ from Argo CD on purpose: Active=False is Healthy (nothing to scale is normal).
import type { K8sObject } from '../types.ts';
import { decisiveCondition } from './generic.ts';
import { conditionOf, explain, health, isTrue } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

function scaledHealth(object: K8sObject): Health {
  const paused = conditionOf(object, 'Paused');
  if (isTrue(paused)) return health(object, 'Suspended', `paused: ${explain(paused!)}`);
  const fallback = conditionOf(object, 'Fallback');
  if (isTrue(fallback)) return health(object, 'Degraded', `scaling on fallback replicas: ${explain(fallback!)}`);
  return decisiveCondition(object, 'KEDA');
}

export const kedaChecks: Readonly<Record<string, HealthCheck>> = { 'keda.sh/ScaledObject': scaledHealth, 'keda.sh/ScaledJob': scaledHealth };
