// The objects a pod template uses by name: ConfigMaps and Secrets (volumes, projected volumes,
// env valueFrom, envFrom, image pull secrets), PVCs and the ServiceAccount, with field paths.
import type { K8sObject } from '../../core/types.ts';
import { list, record, str, type JsonRecord } from './json.ts';
import { containersOf, type PodTemplate } from './pod-templates.ts';

export type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

export interface PodReference {
  readonly kind: ReferencedKind;
  readonly name: string;
  /** Field path of the reference, e.g. 'spec.template.spec.volumes[0].configMap'. */
  readonly path: string;
  /** Marked `optional: true`: the pod starts without it. */
  readonly optional: boolean;
  /** Whether Kubernetes lets this kind of reference be optional. */
  readonly canBeOptional: boolean;
  /** The key a configMapKeyRef or secretKeyRef reads. */
  readonly key?: string;
}

export function podReferences(object: K8sObject, template: PodTemplate): PodReference[] {
  const spec = template.specPath;
  const refs: PodReference[] = [];
  const add = (kind: ReferencedKind, at: string, source: JsonRecord | undefined, nameField: string, key?: string) => {
    const name = str(source?.[nameField]);
    if (!name) return;
    const canBeOptional = kind === 'ConfigMap' || kind === 'Secret';
    refs.push({ kind, name, path: at, optional: source?.optional === true, canBeOptional, ...(key !== undefined && { key }) });
  };

  // A StatefulSet swaps volumes named like its claim templates for the per-pod PVCs.
  const claimTemplates = new Set(list(record(object.spec)?.volumeClaimTemplates).map((t) => str(record(record(t)?.metadata)?.name)));
  list(template.spec.volumes).forEach((v, i) => {
    const volume = record(v);
    const at = `${spec}.volumes[${i}]`;
    if (!volume || (object.kind === 'StatefulSet' && claimTemplates.has(str(volume.name)))) return;
    add('ConfigMap', `${at}.configMap`, record(volume.configMap), 'name');
    add('Secret', `${at}.secret`, record(volume.secret), 'secretName');
    add('PersistentVolumeClaim', `${at}.persistentVolumeClaim`, record(volume.persistentVolumeClaim), 'claimName');
    list(record(volume.projected)?.sources).forEach((s, j) => {
      const source = record(s);
      add('ConfigMap', `${at}.projected.sources[${j}].configMap`, record(source?.configMap), 'name');
      add('Secret', `${at}.projected.sources[${j}].secret`, record(source?.secret), 'name');
    });
  });

  for (const { path, container } of containersOf(template)) {
    list(container.env).forEach((e, i) => {
      const valueFrom = record(record(e)?.valueFrom);
      const at = `${path}.env[${i}].valueFrom`;
      const configMapKey = record(valueFrom?.configMapKeyRef);
      const secretKey = record(valueFrom?.secretKeyRef);
      add('ConfigMap', `${at}.configMapKeyRef`, configMapKey, 'name', str(configMapKey?.key));
      add('Secret', `${at}.secretKeyRef`, secretKey, 'name', str(secretKey?.key));
    });
    list(container.envFrom).forEach((e, i) => {
      add('ConfigMap', `${path}.envFrom[${i}].configMapRef`, record(record(e)?.configMapRef), 'name');
      add('Secret', `${path}.envFrom[${i}].secretRef`, record(record(e)?.secretRef), 'name');
    });
  }

  list(template.spec.imagePullSecrets).forEach((s, i) => add('Secret', `${spec}.imagePullSecrets[${i}]`, record(s), 'name'));
  const serviceAccountField = template.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount';
  add('ServiceAccount', `${spec}.${serviceAccountField}`, template.spec, serviceAccountField);
  return refs;
}
