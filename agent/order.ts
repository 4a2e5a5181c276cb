// The one total order of the agent, stated once: stage, sync wave, kind, namespace, name. Each stage is
// applied and settled before the next; pruning walks the same order backwards. The agent's own RBAC comes
// first, so the rights a new kind needs exist before its objects: its cluster RBAC before the Namespaces and
// CRDs (creating them needs it), its ServiceAccount, Roles and bindings once their Namespaces exist, before
// everything else. A change to its own Deployment (which restarts the agent) comes last.
import { SYNC_WAVE } from './labels.ts';
import type { K8sObject, ObjectRef } from './types.ts';

export const STAGES = { ownClusterRbac: 0, cluster: 1, ownRbac: 2, rest: 3, ownDeployment: 4 } as const;

const CLUSTER_STAGE = new Set(['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const RBAC = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

// Dependencies first: what others mount, select or run as, then workloads, then what routes to them.
// Kinds not listed (custom resources, mostly) come last.
const KIND_ORDER = [
  'CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding',
  'PriorityClass', 'StorageClass', 'PersistentVolume', 'IngressClass',
  'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding',
  'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service',
  'PodDisruptionBudget', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet',
  'HorizontalPodAutoscaler', 'Job', 'CronJob', 'Ingress',
  'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

/** Whether the stage is one of the agent's own RBAC, which grants rights to what follows. */
export function isOwnRbacStage(stage: number): boolean {
  return stage === STAGES.ownClusterRbac || stage === STAGES.ownRbac;
}

/** The stage of an object; `own`: it is one of the agent's own (own-objects.ts). */
export function stageOf(ref: ObjectRef, own = false): number {
  if (own && RBAC.has(ref.kind)) return ref.namespace === '' ? STAGES.ownClusterRbac : STAGES.ownRbac;
  if (own && ref.kind === 'Deployment') return STAGES.ownDeployment;
  return CLUSTER_STAGE.has(ref.kind) ? STAGES.cluster : STAGES.rest;
}

export function waveOf(object: K8sObject | undefined): number {
  const wave = Number.parseInt(object?.metadata?.annotations?.[SYNC_WAVE] ?? '0', 10);
  return Number.isFinite(wave) ? wave : 0;
}

export interface Orderable {
  readonly ref: ObjectRef;
  readonly object?: K8sObject;
}

/** Sort key comparison; ties broken by namespace and name, so order never depends on input order. */
export function compareForApply(a: Orderable, b: Orderable): number {
  return stageOf(a.ref) - stageOf(b.ref)
    || waveOf(a.object) - waveOf(b.object)
    || (KIND_RANK.get(a.ref.kind) ?? KIND_ORDER.length) - (KIND_RANK.get(b.ref.kind) ?? KIND_ORDER.length)
    || cmp(a.ref.kind, b.ref.kind)
    || cmp(a.ref.group, b.ref.group)
    || cmp(a.ref.namespace, b.ref.namespace)
    || cmp(a.ref.name, b.ref.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
