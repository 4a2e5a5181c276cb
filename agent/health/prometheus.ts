// Prometheus operator: Prometheus, PrometheusAgent, Alertmanager and ThanosRuler report Available
// (True, False, or Degraded when only some replicas are up) and Reconciled. Some pods not ready
// (reason SomePodsNotReady) is what a rolling update looks like: Progressing.
// Where we differ from Argo CD on purpose: Reconciled=False (the operator refused the spec, e.g. a
// config it cannot generate) is Degraded even while the old pods still serve; spec.paused is
// Suspended; conditions written for an older generation are Progressing.
import type { K8sObject } from '../types.ts';
import { awaitingStatus, staleCondition } from './generic.ts';
import { conditionOf, explain, health, isFalse, isTrue, specOf } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

function monitoringHealth(object: K8sObject): Health {
  if (specOf<{ paused: boolean }>(object).paused === true) return health(object, 'Suspended', 'reconciliation paused');
  const waiting = awaitingStatus(object, 'the Prometheus operator');
  if (waiting) return waiting;
  const reconciled = conditionOf(object, 'Reconciled');
  if (isFalse(reconciled)) return health(object, 'Degraded', `not reconciled: ${explain(reconciled!)}`);
  const available = conditionOf(object, 'Available');
  const stale = staleCondition(object, available) ?? staleCondition(object, reconciled);
  if (stale) return health(object, 'Progressing', stale);
  if (isTrue(available)) return health(object, 'Healthy', 'available');
  if (!available) return health(object, 'Progressing', 'waiting for the Available condition');
  if (available.reason === 'SomePodsNotReady') return health(object, 'Progressing', `partly available: ${explain(available)}`);
  return health(object, 'Degraded', `not available: ${explain(available)}`);
}

export const prometheusChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler'].map((kind) => [`monitoring.coreos.com/${kind}`, monitoringHealth]),
);
