// cert-manager: Certificate, CertificateRequest, Issuer and ClusterIssuer, from the conditions
// cert-manager documents (Ready, Issuing, Approved, Denied, InvalidRequest).
// Where we differ from Argo CD on purpose: a Ready condition written for an older generation is
// Progressing (the new spec is not issued yet), where Argo CD reads it as it stands.
import type { K8sObject } from '../types.ts';
import { awaitingStatus, decisiveCondition, staleCondition } from './generic.ts';
import { conditionOf, explain, health, isFalse, isTrue } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

const CONTROLLER = 'cert-manager';

function certificateHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, CONTROLLER);
  if (waiting) return waiting;
  const ready = conditionOf(object, 'Ready');
  const stale = staleCondition(object, ready);
  if (stale) return health(object, 'Progressing', stale);
  // While a certificate is issued (first time or renewal) Ready is False or stale: normal progress.
  const issuing = conditionOf(object, 'Issuing');
  if (isTrue(issuing)) return health(object, 'Progressing', `issuing: ${explain(issuing!)}`);
  if (isTrue(ready)) return health(object, 'Healthy', `issued: ${explain(ready!)}`);
  if (isFalse(ready)) return health(object, 'Degraded', `not issued: ${explain(ready!)}`);
  return health(object, 'Progressing', ready ? `issuing: ${explain(ready)}` : 'waiting for cert-manager to issue it');
}

function certificateRequestHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, CONTROLLER);
  if (waiting) return waiting;
  for (const type of ['Denied', 'InvalidRequest']) {
    const bad = conditionOf(object, type);
    if (isTrue(bad)) return health(object, 'Degraded', `${type.toLowerCase()}: ${explain(bad!)}`);
  }
  const ready = conditionOf(object, 'Ready');
  if (isTrue(ready)) return health(object, 'Healthy', `issued: ${explain(ready!)}`);
  if (isFalse(ready) && ready!.reason === 'Failed') return health(object, 'Degraded', `failed: ${explain(ready!)}`);
  if (!isTrue(conditionOf(object, 'Approved'))) return health(object, 'Progressing', 'waiting for approval');
  return health(object, 'Progressing', ready ? `pending: ${explain(ready)}` : 'pending');
}

export const certManagerChecks: Readonly<Record<string, HealthCheck>> = {
  'cert-manager.io/Certificate': certificateHealth,
  'cert-manager.io/CertificateRequest': certificateRequestHealth,
  'cert-manager.io/Issuer': (o) => decisiveCondition(o, CONTROLLER),
  'cert-manager.io/ClusterIssuer': (o) => decisiveCondition(o, CONTROLLER),
};
