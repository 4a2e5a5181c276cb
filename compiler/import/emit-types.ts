// openAPIV3Schema -> TypeScript interfaces, for the props of a generated construct class. Structural
// schemas only say a field's type in the schema itself; oneOf/anyOf/allOf there only add rules, so they
// give the type only where the schema has none. Walked once, depth- and size-bounded, so a huge or
// deeply nested schema costs linear time and yields `unknown` below the depth limit.
import { UserInputError } from '../../core/errors.ts';
import { list, record, str, type JsonRecord } from '../validate/json.ts';
import { pascalCase, propertyKey, TypeNames } from './names.ts';

/** Nesting below this many levels is typed `unknown` (the API server itself allows 64 in a request). */
export const MAX_DEPTH = 48;
/** Schema nodes one CRD version may hold; far above real CRDs (prometheus-operator's largest: about 2,100). */
export const MAX_NODES = 100_000;

export interface Member {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly doc: readonly string[];
}

export interface Interface {
  readonly name: string;
  readonly doc: readonly string[];
  readonly members: readonly Member[];
  /** The interface also takes fields it does not list. */
  readonly open: boolean;
}

/** The interfaces of one schema, in the order they were met (depth first), sharing a module's names. */
export class SchemaTypes {
  readonly interfaces: Interface[] = [];
  private nodes = 0;

  constructor(private readonly names: TypeNames, private readonly about: string) {}

  /** The type of `schema`; an object with properties becomes an interface named after `hint`. */
  typeOf(schema: JsonRecord, hint: string, depth = 0): string {
    if (++this.nodes > MAX_NODES) {
      throw new UserInputError(`its schema has more than ${MAX_NODES} nodes; not imported`, { object: this.about, hint: 'Import a CRD with a smaller schema, or report the CRD to us.' });
    }
    if (depth > MAX_DEPTH) return 'unknown';
    const type = this.baseType(schema, hint, depth);
    const hasNull = type === 'unknown' || /(^| \| )null($| \| )/.test(type); // unknown holds null; an enum may list it
    return schema.nullable === true && !hasNull ? `${type} | null` : type;
  }

  /**
   * An interface for an object schema with its properties (the root's: less what `skip` names); the
   * types of its members are named after `base` and the member.
   */
  objectInterface(schema: JsonRecord, name: string, depth: number, extra: readonly Member[] = [], skip: ReadonlySet<string> = new Set(), base = name): string {
    const properties = record(schema.properties) ?? {};
    const required = new Set(list(schema.required).filter((r): r is string => typeof r === 'string'));
    const index = this.interfaces.length; // this interface goes before the ones its members add
    const members = [...extra];
    for (const key of Object.keys(properties).sort(byCodeUnit)) {
      const property = record(properties[key]);
      if (skip.has(key) || !property) continue;
      const type = this.typeOf(property, `${base}${pascalCase(key)}`, depth + 1);
      members.push({ name: key, type, optional: !required.has(key), doc: docOf(property) });
    }
    const open = schema['x-kubernetes-preserve-unknown-fields'] === true || (schema.additionalProperties !== undefined && schema.additionalProperties !== false);
    this.interfaces.splice(index, 0, { name, doc: docOf(schema), members, open });
    return name;
  }

  private baseType(s: JsonRecord, hint: string, depth: number): string {
    if (s['x-kubernetes-int-or-string'] === true) return 'number | string';
    if (Array.isArray(s.enum) && s.enum.length > 0) return union(s.enum.map(literalType));
    switch (s.type) {
      case 'string': return 'string';
      case 'integer': case 'number': return 'number';
      case 'boolean': return 'boolean';
      case 'array': return `readonly ${parenthesized(record(s.items) ? this.typeOf(record(s.items)!, hint, depth + 1) : 'unknown')}[]`;
      case 'object': return this.objectType(s, hint, depth);
    }
    if (s.properties !== undefined || s.additionalProperties !== undefined) return this.objectType(s, hint, depth);
    const alternatives = [...list(s.oneOf), ...list(s.anyOf)].map(record).filter((a): a is JsonRecord => !!a && typed(a));
    if (alternatives.length > 0) return union(alternatives.map((a, i) => this.typeOf(a, `${hint}Option${i + 1}`, depth + 1)));
    const all = list(s.allOf).map(record).filter((a): a is JsonRecord => !!a && typed(a));
    if (all.length > 0) return all.map((a, i) => parenthesized(this.typeOf(a, `${hint}Part${i + 1}`, depth + 1))).join(' & ');
    return 'unknown';
  }

  private objectType(s: JsonRecord, hint: string, depth: number): string {
    const properties = record(s.properties);
    if (properties && Object.keys(properties).length > 0) {
      return this.objectInterface(s, this.names.take(hint), depth, s['x-kubernetes-embedded-resource'] === true ? embeddedMembers(properties) : []);
    }
    const additional = record(s.additionalProperties);
    const value = additional ? this.typeOf(additional, hint, depth + 1) : 'unknown';
    return `{ readonly [key: string]: ${value} }`;
  }
}

/** The doc comment lines of a schema: its description, its default and its format. */
export function docOf(schema: JsonRecord): string[] {
  const lines = (str(schema.description) ?? '').trim().split('\n').map((l) => l.trimEnd());
  const tags: string[] = [];
  if (schema.default !== undefined) tags.push(`@default ${JSON.stringify(schema.default)}`);
  const doc = lines[0] === '' ? tags : tags.length > 0 ? [...lines, '', ...tags] : lines;
  return doc.map((l) => l.replaceAll('*/', '*\\/'));
}

/** A type member line (with its doc comment) at `indent`. */
function memberLines(m: Member, indent: string): string[] {
  return [...docLines(m.doc, indent), `${indent}readonly ${propertyKey(m.name)}${m.optional ? '?' : ''}: ${m.type};`];
}

export function docLines(doc: readonly string[], indent: string): string[] {
  if (doc.length === 0) return [];
  if (doc.length === 1) return [`${indent}/** ${doc[0]} */`];
  return [`${indent}/**`, ...doc.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`];
}

export function interfaceLines(i: Interface): string[] {
  const members = i.members.flatMap((m) => memberLines(m, '  '));
  if (i.open) members.push('  readonly [key: string]: unknown;');
  return [...docLines(i.doc, ''), `export interface ${i.name} {`, ...members, '}'];
}

// An embedded resource always takes apiVersion, kind and metadata, whether its schema lists them or not.
function embeddedMembers(properties: JsonRecord): Member[] {
  const implicit: Array<[string, string]> = [['apiVersion', 'string'], ['kind', 'string'], ['metadata', '{ readonly [key: string]: unknown }']];
  return implicit.filter(([name]) => !(name in properties)).map(([name, type]) => ({ name, type, optional: true, doc: [] }));
}

/** An enum value as a type: JSON is TypeScript's literal type syntax; array values become readonly tuples. */
function literalType(value: unknown): string {
  const json = JSON.stringify(value) ?? 'unknown';
  return Array.isArray(value) ? `readonly ${json}` : json;
}

function typed(s: JsonRecord): boolean {
  return s.type !== undefined || s.properties !== undefined || s.enum !== undefined || s['x-kubernetes-int-or-string'] === true;
}

function union(types: readonly string[]): string {
  return [...new Set(types)].join(' | ');
}

function parenthesized(type: string): string {
  return /^[\w.]+$/.test(type) ? type : `(${type})`;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
