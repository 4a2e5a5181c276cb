// Health of any other kind, after kstatus (sigs.k8s.io/cli-utils' status standard, which Flux
// uses), with a few additions; docs/health.md has the rules as one table. The pieces are exported
// for the family rules that build on them.
import { groupOf, isBuiltInGroup } from '../../core/kinds.ts';
import type { K8sObject } from '../types.ts';
import { conditionsIn, explain, generationOf, health, isRecord, isTrue, statusOf, unobservedSpec, type Condition } from './read.ts';
import type { Health, HealthContext } from './types.ts';

/**
 * How long a custom resource may have no status before we believe its controller writes none.
 * Short on purpose: a kind whose controller never writes a status then delays the wait this long.
 */
const NO_STATUS_GRACE_MS = 15_000;

export function genericHealth(object: K8sObject, context: HealthContext): Health {
  const status = statusOf<{ phase: unknown }>(object);
  if (Object.keys(status).length === 0) return noStatusHealth(object, context);
  return conditionHealth(object) ?? phaseHealth(object, status.phase) ?? health(object, 'Healthy', 'no Ready condition');
}

/**
 * No status at all: settled for built-in kinds (ConfigMap, Role, ... never get one); a custom
 * resource is Progressing for a short grace after its creation, so that a health wait right
 * after an apply does not take "the controller has not looked yet" for "settled".
 */
export function noStatusHealth(object: K8sObject, context: HealthContext): Health {
  if (typeof object.apiVersion !== 'string' || isBuiltInGroup(groupOf(object.apiVersion))) return health(object, 'Healthy', 'no status to assess');
  if (context.statusless?.has(`${groupOf(object.apiVersion)}/${object.kind}`)) return health(object, 'Healthy', 'no status (its CRD declares none)');
  const created = Date.parse(String(object.metadata.creationTimestamp ?? ''));
  const age = Number.isNaN(created) ? 0 : context.now - created;
  if (age < NO_STATUS_GRACE_MS) return health(object, 'Progressing', 'waiting for its controller to write a status');
  return health(object, 'Healthy', `no status after ${Math.round(age / 1000)}s (its controller writes none)`);
}

// Conditions that are bad news when True ("abnormal-true" in kstatus' terms).
const ABNORMAL_TRUE = /(Failed|Failure)$|^Degraded$/;
// Reasons of Ready=False that name a failure rather than work under way.
const FAILURE_REASON = /(Fail|Failed|Failure|Error|Invalid)/;

/** What the kstatus conditions and observed generation say; undefined when they say nothing. */
export function conditionHealth(object: K8sObject): Health | undefined {
  const status = statusOf<{ observedGeneration: unknown }>(object);
  const unobserved = unobservedSpec(object, status.observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const conditions = conditionsIn(object.status);
  const find = (type: string) => conditions.find((c) => c.type === type);
  const stalled = find('Stalled');
  if (isTrue(stalled)) return health(object, 'Degraded', `stalled: ${explain(stalled!)}`);
  const ready = find('Ready');
  const stale = staleCondition(object, ready);
  if (stale) return health(object, 'Progressing', stale);
  const reconciling = find('Reconciling');
  if (isTrue(reconciling)) return health(object, 'Progressing', `reconciling: ${explain(reconciling!)}`);
  const abnormal = conditions.find((c) => isTrue(c) && ABNORMAL_TRUE.test(c.type));
  if (abnormal) return health(object, 'Degraded', `${abnormal.type}: ${explain(abnormal)}`);
  return readyHealth(object, ready);
}

/** Ready True is Healthy, Unknown is Progressing, False Degraded when its reason names a failure, else Progressing. */
function readyHealth(object: K8sObject, ready: Condition | undefined): Health | undefined {
  if (!ready) return undefined;
  if (isTrue(ready)) return health(object, 'Healthy', 'ready');
  if (ready.status === 'False' && FAILURE_REASON.test(ready.reason ?? '')) return health(object, 'Degraded', `not ready: ${explain(ready)}`);
  return health(object, 'Progressing', `${ready.status === 'False' ? 'not ready' : 'reconciling'}: ${explain(ready)}`);
}

/** Says so when a condition was written for an older generation: it says nothing about the current spec. */
export function staleCondition(object: K8sObject, condition: Condition | undefined): string | undefined {
  const observed = generationOf(condition?.observedGeneration);
  const generation = generationOf(object.metadata.generation);
  if (observed === undefined || generation === undefined || observed >= generation) return undefined;
  return `${condition!.type} condition is for generation ${observed}, not ${generation}`;
}

// status.phase words, for kinds that report by phase and have no Ready condition.
const PHASES: Readonly<Record<string, Health['status']>> = Object.fromEntries([
  ...['ready', 'running', 'active', 'available', 'bound', 'succeeded', 'successful', 'complete', 'completed', 'healthy', 'provisioned', 'deployed', 'synced', 'established']
    .map((p) => [p, 'Healthy']),
  ...['pending', 'progressing', 'provisioning', 'creating', 'initializing', 'starting', 'deploying', 'updating', 'upgrading', 'scaling',
    'scalingup', 'scalingdown', 'deleting', 'terminating', 'waiting', 'reconciling', 'inprogress', 'building'].map((p) => [p, 'Progressing']),
  ...['failed', 'failure', 'error', 'errored', 'degraded', 'unhealthy'].map((p) => [p, 'Degraded']),
  ...['paused', 'suspended'].map((p) => [p, 'Suspended']),
]);

/** The health a status.phase names; undefined when there is no phase. */
export function phaseHealth(object: K8sObject, phase: unknown): Health | undefined {
  if (typeof phase !== 'string' || phase === '') return undefined;
  const status = PHASES[phase.toLowerCase()];
  const message = isRecord(object.status) && typeof object.status.message === 'string' && object.status.message ? `: ${object.status.message}` : '';
  return status ? health(object, status, `phase ${phase}${message}`) : health(object, 'Healthy', `phase ${phase} (not a phase we know)`);
}

/**
 * No status on a kind whose controller always writes one (a cert-manager Certificate, a Flux
 * Kustomization, ...): its controller has not seen it yet, or is not running. Not settled, however long.
 */
export function awaitingStatus(object: K8sObject, controller: string): Health | undefined {
  if (Object.keys(statusOf(object)).length > 0) return undefined;
  return health(object, 'Progressing', `waiting for ${controller} to write a status`);
}

/**
 * For kinds whose controller writes one decisive condition (Ready, or another `type`): True is
 * Healthy, False Degraded, Unknown or not yet written Progressing; a lagging generation Progressing.
 */
export function decisiveCondition(object: K8sObject, controller: string, type = 'Ready'): Health {
  const waiting = awaitingStatus(object, controller);
  if (waiting) return waiting;
  const unobserved = unobservedSpec(object, statusOf<{ observedGeneration: unknown }>(object).observedGeneration);
  if (unobserved) return health(object, 'Progressing', unobserved);
  const condition = conditionsIn(object.status).find((c) => c.type === type);
  const stale = staleCondition(object, condition);
  if (stale) return health(object, 'Progressing', stale);
  if (!condition) return health(object, 'Progressing', `waiting for ${controller} to set ${type}`);
  const word = type === 'Ready' ? 'ready' : type;
  if (isTrue(condition)) return health(object, 'Healthy', condition.reason || condition.message ? `${word}: ${explain(condition)}` : word);
  if (condition.status === 'False') return health(object, 'Degraded', `not ${word}: ${explain(condition)}`);
  return health(object, 'Progressing', `${type} pending: ${explain(condition)}`);
}
