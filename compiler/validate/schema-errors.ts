// Turns ajv errors (from kubernetes-models' compiled validators and from CRD schemas) into one
// message per problem, each naming the field path: 'spec.replicas: must be integer'.
import { fieldPath, record } from './json.ts';

/** The part of an ajv ErrorObject we read. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
  /** With ajv's `verbose` option: the schema that failed (names the known fields). */
  readonly parentSchema?: unknown;
}

export interface SchemaProblem {
  /** Field path of the problem, '' for the object itself. */
  readonly path: string;
  readonly message: string;
  /** Set for a field that is not in the schema, with the fields that are (where known). */
  readonly unknown?: { readonly field: string; readonly known: readonly string[] };
}

export function describeSchemaErrors(errors: readonly SchemaError[], root: unknown): SchemaProblem[] {
  if (errors.length === 0) return [];
  // int-or-string and quantity fields are a oneOf of types: one message for all the branches.
  const alternatives = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const path = toFieldPath(e.instancePath, root);
    let problem: SchemaProblem;
    if (alternatives.has(e.instancePath)) {
      const types = errors.filter((x) => x.instancePath === e.instancePath && x.keyword === 'type').map((x) => String(x.params.type));
      problem = { path, message: types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : (e.message ?? 'has an invalid value') };
    } else {
      problem = describe(e, path);
    }
    const key = `${problem.path}\0${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return problems;
}

function describe(e: SchemaError, path: string): SchemaProblem {
  switch (e.keyword) {
    case 'required':
      return { path: fieldPath(path, String(e.params.missingProperty)), message: 'required field is missing' };
    case 'additionalProperties': {
      const field = String(e.params.additionalProperty);
      return { path: fieldPath(path, field), message: 'unknown field', unknown: { field, known: Object.keys(record(record(e.parentSchema)?.properties) ?? {}) } };
    }
    case 'type':
      return { path, message: `must be ${String(e.params.type)}` };
    case 'enum':
      return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'format':
      return { path, message: `must be a valid ${String(e.params.format)}` };
    default:
      return { path, message: e.message ?? `fails '${e.keyword}' ${JSON.stringify(e.params)}` };
  }
}

/** '/spec/template/spec/containers/0/name' -> 'spec.template.spec.containers[0].name' (indexes only where the value is an array). */
export function toFieldPath(pointer: string, root: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = fieldPath(path, Number(segment));
      node = node[Number(segment)];
    } else {
      path = fieldPath(path, segment);
      node = record(node)?.[segment];
    }
  }
  return path;
}
