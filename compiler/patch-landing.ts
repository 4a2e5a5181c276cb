// The JSON of an ApiObject, and what became of its escape-hatch patches (addJsonPatch). cdk8s applies them without
// checks: a replace or remove of a path that is not there is dropped or throws "Failed serializing construct", and
// cdk8s-plus rebuilds its objects from the fields it knows after the patches, dropping any that land elsewhere
// (`JsonPatch.replace('/spec/replicass', 3)`). Each patch is replayed on the object before patching, then its
// value looked for in the output: one that lands nowhere is a warning, one that cannot apply an error.
import { ApiObject, JsonPatch } from 'cdk8s';
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from '../core/types.ts';
import type { Finding } from './validate/diagnostic.ts';

interface PatchOp {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

export interface PatchedJson {
  /** The object's output; undefined when a patch could not be applied. */
  readonly object?: K8sObject;
  /** The output, or the object before patching when a patch could not be applied: what the findings are about. */
  readonly about: K8sObject;
  readonly findings: readonly Finding[];
}

export function patchedJson(construct: ApiObject): PatchedJson {
  const patches = (construct as unknown as { patches?: JsonPatch[] }).patches ?? []; // private in cdk8s: read, never changed
  if (patches.length === 0) {
    const object = construct.toJson() as K8sObject;
    return { object, about: object, findings: [] };
  }
  const ops = patches.map((p) => p._toJson() as PatchOp);
  // The same object without its patches, before a subclass rebuilds it: what cdk8s applies the patches to.
  const unpatched = Object.create(construct, { patches: { value: [] } }) as ApiObject;
  const before = ApiObject.prototype.toJson.call(unpatched) as K8sObject;
  let doc: unknown = before;
  const findings: Finding[] = [];
  for (const [i, op] of ops.entries()) {
    if (op.op === 'remove' && !has(doc, op.path)) findings.push(nowhere(op, 'there is no such field to remove'));
    try {
      doc = JsonPatch.apply(structuredClone(doc), patches[i]);
    } catch (error) {
      return { about: before, findings: [...findings, cannotApply(op, doc, error)] };
    }
  }
  const object = construct.toJson() as K8sObject;
  for (const [i, op] of ops.entries()) {
    if (!['add', 'replace', 'copy', 'move'].includes(op.op) || ops.slice(i + 1).some((later) => overlaps(later.path, op.path))) continue;
    const append = op.path.endsWith('/-');
    const target = append ? op.path.slice(0, -2) : op.path;
    const writesValue = (op.op === 'add' || op.op === 'replace') && !append;
    const landed = writesValue ? isDeepStrictEqual(at(object, target), op.value) : has(object, target);
    if (!landed) findings.push(nowhere(op, `the ${object.kind}'s output has ${has(object, target) ? 'another value' : 'no field'} there (the construct builds its output from the fields it knows)`));
  }
  return { object, about: object, findings };
}

function nowhere(op: PatchOp, why: string): Finding {
  return {
    severity: 'warn',
    rule: 'patch-lands-nowhere',
    message: `JSON patch ${describe(op)} lands nowhere: ${why}`,
    hint: 'Fix the path (field names as in the YAML, e.g. /spec/replicas), or set the field through the construct\'s props.',
  };
}

function cannotApply(op: PatchOp, doc: unknown, error: unknown): Finding {
  const parent = op.path.slice(0, op.path.lastIndexOf('/'));
  const why = parent && !has(doc, parent) ? `${parent} is not in the object` : (error as Error).message.split('\n')[0];
  return {
    rule: 'patch-failed',
    message: `JSON patch ${describe(op)} cannot be applied: ${why}`,
    hint: `Fix the path, or add ${parent} first (JsonPatch.add('${parent}', {...})).`,
  };
}

function describe(op: PatchOp): string {
  return `${op.op} ${op.from !== undefined ? `${op.from} -> ` : ''}${op.path}`;
}

/** Whether one JSON pointer is the other or lies under it. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function steps(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function has(doc: unknown, pointer: string): boolean {
  return walk(doc, pointer).found;
}

function at(doc: unknown, pointer: string): unknown {
  return walk(doc, pointer).value;
}

function walk(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let here = doc;
  for (const step of steps(pointer)) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, step)) return { found: false };
    here = (here as Record<string, unknown>)[step];
  }
  return { found: true, value: here };
}
