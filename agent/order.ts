// The one total order of the agent, stated once: stage, sync wave, kind, namespace, name.
// Stage 0 (CRDs, Namespaces, cluster RBAC) is applied and settled before stage 1 (the rest);
// pruning walks the same order backwards.
import { SYNC_WAVE } from './labels.ts';
import type { K8sObject, ObjectRef } from './types.ts';

const FIRST_STAGE = new Set(['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding']);

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

export function stageOf(kind: string): number {
  return FIRST_STAGE.has(kind) ? 0 : 1;
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
  return stageOf(a.ref.kind) - stageOf(b.ref.kind)
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
