// The schema -> TypeScript mapping, case by case (the type-check of whole generated modules is in test/compiler/import.test.ts).
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import { MAX_DEPTH, MAX_NODES, SchemaTypes, interfaceLines } from './emit-types.ts';
import { pascalCase, propertyKey, TypeNames } from './names.ts';

const typeOf = (schema: Record<string, unknown>) => new SchemaTypes(new TypeNames(), 'test').typeOf(schema, 'T');

describe('schema types', () => {
  it.each([
    [{ 'x-kubernetes-int-or-string': true }, 'number | string'],
    [{ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, '{ readonly [key: string]: unknown }'],
    [{ 'x-kubernetes-preserve-unknown-fields': true }, 'unknown'],
    [{ type: 'array', items: { type: 'string', enum: ['a', 'b'] } }, 'readonly ("a" | "b")[]'],
    [{ type: 'array', items: { type: 'string' }, enum: [['a'], ['b', 'c']] }, 'readonly ["a"] | readonly ["b","c"]'],
    [{ type: 'object', additionalProperties: { type: 'integer' } }, '{ readonly [key: string]: number }'],
    [{ type: 'object', additionalProperties: { type: 'array', items: { type: 'boolean' } } }, '{ readonly [key: string]: readonly boolean[] }'],
    [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, 'number | string'],
    [{ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, 'string | readonly string[]'],
    [{ type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ required: ['a'] }] }, 'T'],
    [{ type: 'string', nullable: true }, 'string | null'],
    [{ type: 'string', enum: ['x', null], nullable: true }, '"x" | null'],
    [{ type: 'array', items: { type: 'array', items: { type: 'number' } } }, 'readonly (readonly number[])[]'],
    [{}, 'unknown'],
  ])('%j -> %s', (schema, expected) => {
    expect(typeOf(schema)).toBe(expected);
  });

  it('makes one interface per object with properties, members sorted, required ones not optional, odd names quoted', () => {
    const types = new SchemaTypes(new TypeNames(), 'test');
    types.typeOf({ type: 'object', required: ['b'], properties: { b: { type: 'string' }, 'a-b': { type: 'object', properties: { c: { type: 'integer' } } }, default: { type: 'string' } } }, 'Root');
    expect(types.interfaces.map((i) => interfaceLines(i).join('\n'))).toEqual([
      'export interface Root {\n  readonly "a-b"?: RootAB;\n  readonly b: string;\n  readonly "default"?: string;\n}',
      'export interface RootAB {\n  readonly c?: number;\n}',
    ]);
  });

  it('types nesting deeper than the limit as unknown', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_DEPTH + 10; i++) schema = { type: 'object', properties: { n: schema } };
    const types = new SchemaTypes(new TypeNames(), 'test');
    types.typeOf(schema, 'D');
    expect(types.interfaces.length).toBeLessThanOrEqual(MAX_DEPTH + 1);
    expect(types.interfaces.at(-1)!.members[0]!.type).toBe('unknown');
  });

  it('refuses a schema with more nodes than the limit, naming the CRD', () => {
    const properties = Object.fromEntries(Array.from({ length: MAX_NODES + 1 }, (_, i) => [`f${i}`, { type: 'string' }]));
    const types = new SchemaTypes(new TypeNames(), 'CustomResourceDefinition huge.example.com version v1');
    expect(() => types.typeOf({ type: 'object', properties }, 'H')).toThrow(UserInputError);
    expect(() => new SchemaTypes(new TypeNames(), 'CustomResourceDefinition huge.example.com version v1').typeOf({ type: 'object', properties }, 'H'))
      .toThrow(/more than 100000 nodes/);
  });
});

describe('names', () => {
  it.each([['HTTPRoute', 'HttpRoute'], ['ServiceMonitor', 'ServiceMonitor'], ['v1beta1', 'V1Beta1'], ['x-kubernetes-foo', 'XKubernetesFoo'], ['2fa', 'X2Fa'], ['$', 'Field']])('%s -> %s', (text, name) => {
    expect(pascalCase(text)).toBe(name);
  });

  it('quotes reserved words and what is not an identifier', () => {
    expect(['type', 'class', 'default', 'a.b', '2x', 'ok_1'].map(propertyKey)).toEqual(['type', '"class"', '"default"', '"a.b"', '"2x"', 'ok_1']);
  });

  it('never gives a name twice', () => {
    const names = new TypeNames();
    expect([names.take('A'), names.take('A'), names.take('A2')]).toEqual(['A', 'A2', 'A22']);
  });
});
