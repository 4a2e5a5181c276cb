// Rule 'schema': every object against the Kubernetes schema of its apiVersion and kind
// (known kind, required fields, types, unknown fields), which needs the object alone; custom
// resources against the openAPIV3Schema of their CRD in the same environment (else one `gitops import`
// saved in imports/), else a warning.
import { groupOf, isBuiltInGroup, versionOf } from '../../core/kinds.ts';
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import type { EnvContext } from './context.ts';
import { builtinSchema, knownVersions, type SchemaCheck } from './builtin-schemas.ts';
import { crdSchemaCheck, customKinds, type CustomKind } from './crd-schemas.ts';
import { diagnose } from './diagnostic.ts';
import { modelOf, unknownFields, type UnknownField } from './field-tables.ts';
import { describeSchemaErrors, type SchemaProblem } from './schema-errors.ts';

const RULE = 'schema';

/** Per object: apiVersion and kind set, and a built-in kind checked against its schema. */
export function checkObjectSchema(o: SynthObject): Diagnostic[] {
  const { apiVersion, kind } = o.object;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    return [diagnose(o, { rule: RULE, message: 'apiVersion and kind must be non-empty strings', hint: 'Set apiVersion and kind, e.g. apps/v1 and Deployment.' })];
  }
  const group = groupOf(apiVersion);
  if (!isBuiltInGroup(group)) return []; // a custom resource: checkCustomResources
  const builtin = builtinKind(apiVersion, kind);
  if (builtin.check && builtin.model) {
    return [
      ...describeSchemaErrors(builtin.check(o.object), o.object).map((p) => problem(o, p)),
      ...unknownFields(o.object, builtin.model).map((f) => unknownField(o, f)),
    ];
  }
  const served = knownVersions(group, kind).map((v) => (group ? `${group}/${v}` : v)).filter((av) => modelOf(av, kind));
  return [diagnose(o, {
    rule: RULE,
    message: builtin.check ? `removed API: ${apiVersion} ${kind} is no longer served by Kubernetes` : `unknown kind: ${apiVersion} ${kind} is not a Kubernetes API`,
    hint: served.length > 0 ? `Use apiVersion ${served.join(' or ')} for ${kind}.` : 'Check apiVersion and kind against `kubectl api-resources`.',
  })];
}

/** Per environment: custom resources against the CRD of the same environment, or a warning without one. */
export function checkCustomResources(ctx: EnvContext): Diagnostic[] {
  const custom = customKinds(ctx.objects, ctx.importedKinds);
  const out: Diagnostic[] = [];
  for (const o of ctx.objects) {
    const { apiVersion, kind } = o.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || isBuiltInGroup(groupOf(apiVersion))) continue;
    const group = groupOf(apiVersion);
    const customKind = custom(group, kind);
    if (customKind) {
      out.push(...checkCustom(o, customKind));
      continue;
    }
    out.push(diagnose(o, {
      rule: RULE,
      severity: 'warn',
      message: `unchecked: no CRD for ${group}/${kind} in the set`,
      hint: `Add the CustomResourceDefinition for ${kind} to an app of environment ${ctx.env.name}, or \`gitops import\` it, to have it checked against its schema.`,
    }));
  }
  return out;
}

interface BuiltinKind {
  readonly check?: SchemaCheck;
  readonly model?: string;
}

const builtinKinds = new Map<string, Map<string, BuiltinKind>>();

// kubernetes-models still has APIs that Kubernetes removed; client-node has a model only for served ones.
function builtinKind(apiVersion: string, kind: string): BuiltinKind {
  let byKind = builtinKinds.get(apiVersion);
  if (!byKind) builtinKinds.set(apiVersion, (byKind = new Map()));
  let found = byKind.get(kind);
  if (!found) {
    const check = builtinSchema(apiVersion, kind);
    found = { check, model: check && modelOf(apiVersion, kind) };
    byKind.set(kind, found);
  }
  return found;
}

function checkCustom(o: SynthObject, custom: CustomKind): Diagnostic[] {
  const version = versionOf(o.object.apiVersion);
  if (!custom.served.has(version)) {
    return [diagnose(o, {
      rule: RULE,
      message: `${o.object.apiVersion} is not served by CustomResourceDefinition ${custom.crd}${custom.from ? ` (imported in ${custom.from})` : ''} (served: ${[...custom.served.keys()].join(', ') || 'none'})`,
      hint: custom.from ? 'Use a served version, or import a CRD that serves this one.' : 'Use a served version, or serve this one in the CRD.',
    })];
  }
  const schema = custom.served.get(version);
  return [
    ...(schema ? describeSchemaErrors(crdSchemaCheck(schema)(o.object), o.object) : []).map((p) => problem(o, p)),
    // The CRD's schema does not describe metadata: the API server checks it as ObjectMeta.
    ...unknownFields(o.object.metadata, 'V1ObjectMeta', 'metadata').map((f) => unknownField(o, f)),
  ];
}

function problem(o: SynthObject, p: SchemaProblem): Diagnostic {
  if (p.unknown) return unknownField(o, { path: p.path, ...p.unknown });
  return diagnose(o, {
    rule: RULE,
    message: `${p.path || '(object)'}: ${p.message}`,
    hint: `Fix the value (\`kubectl explain ${explainPath(o, p.path)}\` describes the field).`,
  });
}

function unknownField(o: SynthObject, f: UnknownField): Diagnostic {
  const guess = closest(f.field, f.known);
  return diagnose(o, {
    rule: RULE,
    message: `${f.path}: unknown field${guess ? ` (did you mean '${guess}'?)` : ''}`,
    hint: `Remove the field or correct its name (\`kubectl explain ${explainPath(o, parentOf(f.path))}\` lists the fields).`,
  });
}

/** 'spec.template.spec.containers[0].resources' of a Deployment -> 'deployment.spec.template.spec.containers.resources'. */
function explainPath(o: SynthObject, path: string): string {
  const fields = path.replace(/\[\d+\]/g, '').replace(/\["[^"]*"\]/g, '');
  return `${o.object.kind.toLowerCase()}${fields ? `.${fields}` : ''}`;
}

function parentOf(path: string): string {
  return path.replace(/(\.[^.[]+|\[[^\]]*\])$/, '');
}

/** The known name closest to a misspelt one: same letters in another case, or one or two edits away. */
function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const budget = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (d <= budget && d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
