// Which custom kinds can never have a status: those whose CRD (in the same revision) declares
// neither a status subresource nor a status in its schema. The server prunes a status such a
// kind is given, so waiting for one would only delay the health wait.
import type { K8sObject } from '../types.ts';
import { isRecord } from './read.ts';

/** 'group/Kind' of every statusless kind among the CRDs in `objects`. */
export function statuslessKinds(objects: readonly K8sObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !isRecord(o.spec)) continue;
    const { group, names, versions } = o.spec as { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
    if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) continue;
    if (!versions.some(bearsStatus)) kinds.add(`${group}/${names.kind}`);
  }
  return kinds;
}

function bearsStatus(version: unknown): boolean {
  if (!isRecord(version)) return true; // cannot tell: assume it may
  const subresources = isRecord(version.subresources) ? version.subresources : {};
  const schema = isRecord(version.schema) && isRecord(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : undefined;
  if (!schema) return true;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  return 'status' in subresources || 'status' in properties || schema['x-kubernetes-preserve-unknown-fields'] === true;
}
