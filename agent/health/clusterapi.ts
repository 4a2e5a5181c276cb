// Cluster API: Cluster, Machine, MachineDeployment (and MachineSet, MachinePool) report a phase
// and Ready; a Ready=False condition carries a severity (Error, Warning, Info), and only Error
// means it will not fix itself: Warning and Info are waiting for infrastructure or a control plane.
// Where we differ from Argo CD on purpose: Ready=False with severity Warning or Info is
// Progressing (Argo CD reads the phase only); spec.paused is Suspended.
import type { K8sObject } from '../types.ts';
import { awaitingStatus, phaseHealth } from './generic.ts';
import { conditionOf, explain, health, isTrue, specOf, statusOf, unobservedSpec } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

interface CapiStatus { phase: string; failureMessage: string; failureReason: string; observedGeneration: unknown }

function capiHealth(object: K8sObject): Health {
  if (specOf<{ paused: boolean }>(object).paused === true) return health(object, 'Suspended', 'reconciliation paused');
  const waiting = awaitingStatus(object, 'Cluster API');
  if (waiting) return waiting;
  const status = statusOf<CapiStatus>(object);
  if (status.failureReason || status.failureMessage) {
    return health(object, 'Degraded', `failed: ${[status.failureReason, status.failureMessage].filter(Boolean).join(': ')}`);
  }
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const ready = conditionOf(object, 'Ready') as (ReturnType<typeof conditionOf> & { severity?: string }) | undefined;
  if (ready && !isTrue(ready)) return health(object, ready.severity === 'Error' ? 'Degraded' : 'Progressing', `not ready: ${explain(ready)}`);
  const byPhase = phaseHealth(object, status.phase);
  if (byPhase && byPhase.status !== 'Healthy') return byPhase;
  return health(object, 'Healthy', status.phase ? `${status.phase} and ready` : 'ready');
}

export const clusterApiChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  ['Cluster', 'Machine', 'MachineDeployment', 'MachineSet', 'MachinePool'].map((kind) => [`cluster.x-k8s.io/${kind}`, capiHealth]),
);
