// What the compiler, the renderer and the agent need to know about kinds: API group and
// version of an apiVersion, which kinds are cluster-scoped, and how objects are identified.
import type { K8sObject, ObjectRef } from './types.ts';

/** Scope of custom kinds, keyed by `group/kind`, from the CustomResourceDefinitions in a set. */
export type CrdScopes = ReadonlyMap<string, Scope>;
export type Scope = 'Cluster' | 'Namespaced';

const NO_CRDS: CrdScopes = new Map();

// Built-in kinds that live outside namespaces (`kubectl api-resources --namespaced=false`).
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/TokenReview', 'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SelfSubjectAccessReview', 'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'storagemigration.k8s.io/StorageVersionMigration',
]);

/** '' for the core group ('v1'), else the part before the slash ('apps/v1' -> 'apps'). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The version part of an apiVersion ('apps/v1' -> 'v1'). */
export function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

// Groups served by kube-apiserver itself. Not every '*.k8s.io' group is built in:
// gateway.networking.k8s.io and snapshot.storage.k8s.io come from CRDs.
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'autoscaling', 'batch', 'extensions', 'policy',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'authentication.k8s.io',
  'authorization.k8s.io', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io',
  'flowcontrol.apiserver.k8s.io', 'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io',
  'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io',
]);

/** True for the groups kube-apiserver serves itself; kinds of other groups come from CRDs. */
export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/** The scopes of the custom kinds defined by the CustomResourceDefinitions among `objects`. */
export function crdScopes(objects: Iterable<K8sObject>): CrdScopes {
  const scopes = new Map<string, Scope>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOf(o.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = o.spec as { group?: unknown; names?: { kind?: unknown }; scope?: unknown } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced');
    }
  }
  return scopes;
}

/** 'Cluster' or 'Namespaced'; undefined for a custom kind whose CRD is not known. */
export function scopeOf(apiVersion: string, kind: string, crds: CrdScopes = NO_CRDS): Scope | undefined {
  const group = groupOf(apiVersion);
  if (CLUSTER_SCOPED.has(`${group}/${kind}`)) return 'Cluster';
  return crds.get(`${group}/${kind}`) ?? (isBuiltInGroup(group) ? 'Namespaced' : undefined);
}

/** True for kinds that live outside namespaces; a custom kind without a known CRD counts as namespaced. */
export function isClusterScoped(apiVersion: string, kind: string, crds: CrdScopes = NO_CRDS): boolean {
  return scopeOf(apiVersion, kind, crds) === 'Cluster';
}

/** The identity of an object; a cluster-scoped object has namespace '' whatever its metadata says. Tolerates missing metadata (hand-edited YAML). */
export function refOf(object: K8sObject, crds: CrdScopes = NO_CRDS): ObjectRef {
  return {
    group: groupOf(object.apiVersion),
    kind: object.kind,
    namespace: isClusterScoped(object.apiVersion, object.kind, crds) ? '' : (object.metadata?.namespace ?? ''),
    name: object.metadata?.name ?? '',
  };
}

/** 'Kind namespace/name', or 'Kind name' for a cluster-scoped object. */
export function formatRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** One string per ref, for maps and sets: 'group/kind/namespace/name'. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}
