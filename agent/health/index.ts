// Health assessment: the check for an object's kind (by group and kind), and the report that sums
// objects up into apps and the environment, the worst status winning (see rank.ts).
import { groupOf } from '../../core/kinds.ts';
import type { K8sObject, ObjectRef } from '../types.ts';
import { apiServiceHealth } from './apiservice.ts';
import { cronJobHealth } from './cronjob.ts';
import { customResourceDefinitionHealth } from './customresourcedefinition.ts';
import { daemonSetHealth } from './daemonset.ts';
import { deploymentHealth } from './deployment.ts';
import { genericHealth } from './generic.ts';
import { horizontalPodAutoscalerHealth } from './horizontalpodautoscaler.ts';
import { ingressHealth } from './ingress.ts';
import { jobHealth } from './job.ts';
import { namespaceHealth } from './namespace.ts';
import { persistentVolumeClaimHealth } from './persistentvolumeclaim.ts';
import { podDisruptionBudgetHealth } from './poddisruptionbudget.ts';
import { podHealth } from './pod.ts';
import { healthRank } from './rank.ts';
import { count, health, isRecord } from './read.ts';
import { replicaSetHealth } from './replicaset.ts';
import { serviceHealth } from './service.ts';
import { statefulSetHealth } from './statefulset.ts';
import type { HealthRules } from './rules.ts';
import type { Health, HealthCheck, HealthReport, Observed, ObjectHealth } from './types.ts';
import { FAMILIES, crossplaneManagedHealth, isCrossplaneManaged } from './families.ts';

export type { Health, HealthCheck, HealthContext, HealthReport, HealthStatus, Observed, ObjectHealth } from './types.ts';
export { healthRank, isSettled, worstOf } from './rank.ts';

/** Checks by 'group/Kind' ('' for the core group); every other kind gets genericHealth. */
const CHECKS: ReadonlyMap<string, HealthCheck> = new Map<string, HealthCheck>([
  ...FAMILIES.flatMap((family) => Object.entries(family)),
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['/Pod', podHealth],
  ['batch/Job', jobHealth],
  ['batch/CronJob', cronJobHealth],
  ['/Service', serviceHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['/PersistentVolumeClaim', persistentVolumeClaimHealth],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerHealth],
  ['apiextensions.k8s.io/CustomResourceDefinition', customResourceDefinitionHealth],
  ['/Namespace', namespaceHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
  ['policy/PodDisruptionBudget', podDisruptionBudgetHealth],
]);

/** Every 'group/Kind' with a check of its own (Crossplane managed resources are matched by group instead). */
export function coveredKinds(): string[] {
  return [...CHECKS.keys()].sort();
}

export interface AssessOptions {
  /** @default Date.now() */
  readonly now?: number;
  /** The user's declarative rules by 'group/Kind'; they come before the built-in checks. @default none */
  readonly rules?: HealthRules;
  /** Custom kinds whose CRD declares no status. @default none */
  readonly statusless?: ReadonlySet<string>;
}

/** The check for a kind: the user's rule, the kind's or its family's own, else the generic one. */
function checkFor(apiVersion: string, kind: string, rules?: HealthRules): HealthCheck {
  const group = groupOf(apiVersion);
  const key = `${group}/${kind}`;
  return rules?.get(key) ?? CHECKS.get(key) ?? (isCrossplaneManaged(group) ? crossplaneManagedHealth : genericHealth);
}

/** The health of one live object; never throws, whatever the object holds (Unknown at worst). */
export function assessHealth(object: K8sObject, options: AssessOptions = {}): Health {
  const context = { now: options.now ?? Date.now(), ...(options.statusless ? { statusless: options.statusless } : {}) };
  try {
    if (!isRecord(object) || !isRecord(object.metadata)) return health(object, 'Unknown', 'cannot assess: not an object with metadata');
    const check = checkFor(String(object.apiVersion), String(object.kind), options.rules);
    // Whatever its kind, an object on its way out is not what git asks for. A Namespace's own
    // check says better what its deletion waits for.
    if (object.metadata.deletionTimestamp && check !== namespaceHealth) return health(object, 'Progressing', 'being deleted');
    return check(object, context);
  } catch (error) {
    // A status shaped unlike what the check expects (a future API version, a broken controller).
    return health(object, 'Unknown', `cannot assess: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Health of each observed object (Missing when it has no live object), of each app and of the
 * environment as a whole. Objects for which `appOf` gives no app count only for the environment.
 */
export function healthReport(observed: readonly Observed[], appOf: (ref: ObjectRef) => string | undefined, options: AssessOptions = {}): HealthReport {
  const assess = { ...options, now: options.now ?? Date.now() };
  const objects: ObjectHealth[] = observed.map((o) => {
    const app = appOf(o.ref);
    return { ref: o.ref, ...(app === undefined ? {} : { app }), ...observedHealth(o, assess) };
  });
  const byApp = new Map<string, ObjectHealth[]>();
  for (const o of objects) {
    if (o.app === undefined) continue;
    const members = byApp.get(o.app);
    if (members) members.push(o);
    else byApp.set(o.app, [o]);
  }
  const apps = Object.fromEntries([...byApp].sort(([a], [b]) => a.localeCompare(b)).map(([app, members]) => [app, summarize(members)]));
  return { ...summarize(objects), apps, objects };
}

function observedHealth(o: Observed, options: AssessOptions): Health {
  const name = `${o.ref.kind} ${o.ref.name}`;
  if (o.unreadable !== undefined) return { status: 'Unknown', message: `${name}: cannot read: ${o.unreadable}` };
  return o.object ? assessHealth(o.object, options) : { status: 'Missing', message: `${name}: not found` };
}

/** The worst status among `objects`, with the message of the first object that has it. */
function summarize(objects: readonly ObjectHealth[]): Health {
  const worst = objects.reduce<ObjectHealth | undefined>((w, o) => (!w || healthRank(o.status) > healthRank(w.status) ? o : w), undefined);
  if (!worst) return { status: 'Healthy', message: 'no objects' };
  if (worst.status === 'Healthy') return { status: 'Healthy', message: `${count(objects.length, 'object')} healthy` };
  const alike = objects.filter((o) => o.status === worst.status).length - 1;
  return { status: worst.status, message: alike > 0 ? `${worst.message} (and ${alike} more ${worst.status})` : worst.message };
}
