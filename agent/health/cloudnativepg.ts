// CloudNativePG Cluster: the operator writes a human phase ("Cluster in healthy state", "Setting
// up primary", "Failing over", ...) and a Ready condition; hibernation is the cnpg.io/hibernation condition.
// Where we differ from Argo CD on purpose: phases that need a person ("unrecoverable", "Unable to
// create required cluster objects", "Not enough disk space") are Degraded, every other phase
// that is not the healthy one is Progressing (a failover or switchover fixes itself).
import type { K8sObject } from '../types.ts';
import { awaitingStatus } from './generic.ts';
import { conditionOf, explain, health, isTrue, statusOf, unobservedSpec } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

const HEALTHY_PHASE = 'Cluster in healthy state';
const NEEDS_A_PERSON = /unrecoverable|unable|cannot|not enough|failed|error/i;

function clusterHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, 'CloudNativePG');
  if (waiting) return waiting;
  const hibernation = conditionOf(object, 'cnpg.io/hibernation');
  if (isTrue(hibernation)) return health(object, 'Suspended', `hibernated: ${explain(hibernation!)}`);
  const status = statusOf<{ phase: string; phaseReason: string; observedGeneration: unknown }>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const phase = typeof status.phase === 'string' ? status.phase : '';
  const text = [phase || 'no phase yet', status.phaseReason].filter(Boolean).join(': ');
  if (NEEDS_A_PERSON.test(phase)) return health(object, 'Degraded', text);
  const ready = conditionOf(object, 'Ready');
  if (phase === HEALTHY_PHASE && (ready === undefined || isTrue(ready))) return health(object, 'Healthy', phase);
  return health(object, 'Progressing', text);
}

export const cloudNativePgChecks: Readonly<Record<string, HealthCheck>> = { 'postgresql.cnpg.io/Cluster': clusterHealth };
