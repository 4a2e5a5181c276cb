// A namespaced CustomResourceDefinition with one served version, v1, for tests that need a kind of their own.
import type { K8sObject } from '../../core/types.ts';

/** `specSchema` is the openAPIV3Schema of the custom resource's `spec`; the plural is the kind in lower case plus 's'. */
export function customResourceDefinition(group: string, kind: string, specSchema: Record<string, unknown>): K8sObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: specSchema } } } }],
    },
  };
}
