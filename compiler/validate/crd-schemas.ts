// The schemas of custom resources: the openAPIV3Schema of each served version of the
// CustomResourceDefinitions in a set, or of those `gitops import` saved in imports/ (a CRD in the set
// wins: it is what the cluster gets), compiled with ajv on first use (ajv loads only then).
import { createRequire } from 'node:module';
import type { Ajv as AjvInstance, Options } from 'ajv';
import { groupOf } from '../../core/kinds.ts';
import { readSchemasFile, schemasFilePath } from '../import/schemas-file.ts';
import type { SynthObject } from '../../core/types.ts';
import type { SchemaCheck } from './builtin-schemas.ts';
import { list, record, str, type JsonRecord } from './json.ts';

const require = createRequire(import.meta.url);

export interface CustomKind {
  /** The CustomResourceDefinition's name, and where it is: in the set, or `imports/<group>.schemas.json`. */
  readonly crd: string;
  readonly from?: string;
  /** version name -> its openAPIV3Schema (undefined: served without a schema) */
  readonly served: ReadonlyMap<string, JsonRecord | undefined>;
}

/** The custom kind of a CRD in a set, a custom resource's group and kind. */
export type CustomKinds = (group: string, kind: string) => CustomKind | undefined;

/** The custom kinds the CRDs among `objects` define, then those imported (a CRD in the set wins). */
export function customKinds(objects: readonly SynthObject[], imported: CustomKinds = () => undefined): CustomKinds {
  const kinds = new Map<string, CustomKind>();
  for (const o of objects) {
    if (o.ref.kind !== 'CustomResourceDefinition' || groupOf(o.object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const found = customKindOf(o.object);
    if (found) kinds.set(found.key, found.kind);
  }
  return (group, kind) => kinds.get(`${group}/${kind}`) ?? imported(group, kind);
}

/** The custom kinds `gitops import` saved in the project's imports/, each group's file read when first asked for. */
export function importedKinds(root: string): CustomKinds {
  const groups = new Map<string, ReadonlyMap<string, CustomKind>>();
  return (group, kind) => {
    let byKind = groups.get(group);
    if (!byKind) {
      const from = schemasFilePath(group);
      const found = readSchemasFile(root, group).map((crd) => customKindOf(crd as unknown as JsonRecord, from)).filter((k) => k !== undefined);
      groups.set(group, (byKind = new Map(found.map((k) => [k.key, k.kind]))));
    }
    return byKind.get(`${group}/${kind}`);
  };
}

function customKindOf(crd: JsonRecord, from?: string): { key: string; kind: CustomKind } | undefined {
  const spec = record(crd.spec);
  const group = str(spec?.group);
  const kind = str(record(spec?.names)?.kind);
  if (!group || !kind) return undefined;
  const served = new Map<string, JsonRecord | undefined>();
  for (const v of list(spec?.versions).map(record)) {
    const name = str(v?.name);
    if (name && v?.served !== false) served.set(name, record(record(v?.schema)?.openAPIV3Schema));
  }
  return { key: `${group}/${kind}`, kind: { crd: str(record(crd.metadata)?.name) ?? `${kind}.${group}`, from, served } };
}

let ajv: AjvInstance | undefined;
const cache = new WeakMap<JsonRecord, SchemaCheck>();

/** The check of a CRD version's openAPIV3Schema, compiled once per schema object. */
export function crdSchemaCheck(schema: JsonRecord): SchemaCheck {
  let check = cache.get(schema);
  if (!check) {
    ajv ??= newAjv();
    try {
      const validate = ajv.compile(forAjv(schema, true));
      check = (object) => (validate(object) ? [] : (validate.errors ?? []));
    } catch (error) {
      const message = `cannot be checked: the CRD's openAPIV3Schema does not compile (${(error as Error).message})`;
      check = () => [{ instancePath: '', keyword: 'schema', params: {}, message }];
    }
    cache.set(schema, check);
  }
  return check;
}

function newAjv(): AjvInstance {
  const Ajv = (require('ajv') as { default: new (options: Options) => AjvInstance }).default;
  // strict: false lets the x-kubernetes-* keywords through; formats are not checked (the API server
  // ignores most); verbose names the known fields next to an unknown one.
  return new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false, verbose: true });
}

/**
 * A copy of a structural schema with the API server's rules made explicit for ajv: fields not in
 * `properties` are unknown (unless x-kubernetes-preserve-unknown-fields), int-or-string is integer
 * or string, and the root and embedded resources always allow apiVersion, kind and metadata.
 */
function forAjv(schema: JsonRecord, root = false): JsonRecord {
  const out: JsonRecord = { ...schema };
  const properties = record(schema.properties);
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, forAjv(record(v) ?? {})]));
  if (root || schema['x-kubernetes-embedded-resource'] === true) {
    out.properties = { ...record(out.properties), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
  }
  if (out.properties && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  const additional = record(schema.additionalProperties);
  if (additional) out.additionalProperties = forAjv(additional);
  const items = record(schema.items);
  if (items) out.items = forAjv(items);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) out[key] = list(schema[key]).map((s) => forAjv(record(s) ?? {}));
  }
  if (schema['x-kubernetes-int-or-string'] === true && schema.type === undefined && schema.anyOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}
