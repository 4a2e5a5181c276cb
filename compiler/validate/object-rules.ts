// The rules that need one object and its environment's settings alone (schema of built-in kinds,
// names and labels, values the API server bounds, secret data, policies), memoized per SynthObject: watch mode hands the
// unchanged apps' objects back, and a synth cache can hand in findings from an earlier run.
import type { ResolvedEnvironment } from '../../core/config.ts';
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { checkNames } from './names.ts';
import { podTemplateOf } from './pod-templates.ts';
import { checkPolicies } from './policies.ts';
import { checkObjectSchema } from './schema.ts';
import { checkSecretData } from './secrets.ts';
import { checkValues } from './values.ts';

/** Bump when these rules find something else for the same object (it invalidates cached findings). */
const RULES_FORMAT = 2; // 2: invalid-value

const memo = new WeakMap<SynthObject, { readonly key: string; readonly findings: readonly Diagnostic[] }>();

/**
 * What, besides the object, its per-object findings depend on: this environment's secret-data and
 * policy settings and the rules' format. Part of the key of any cache of them; the installed
 * schema packages (kubernetes-models, client-node) belong in that key too.
 */
export function objectRulesKey(env: ResolvedEnvironment): string {
  let key = rulesKeys.get(env);
  if (key === undefined) rulesKeys.set(env, (key = JSON.stringify([RULES_FORMAT, env.allowSecretData, env.policies])));
  return key;
}
// Once per environment: a rendered commit's objects ask for it one by one (3,430 at N=500).
const rulesKeys = new WeakMap<ResolvedEnvironment, string>();

/** The per-object findings of `o` in `env`, computed once per object and key. */
export function objectFindings(o: SynthObject, env: ResolvedEnvironment, key = objectRulesKey(env)): readonly Diagnostic[] {
  const known = memo.get(o);
  if (known?.key === key) return known.findings;
  const template = podTemplateOf(o.ref.group, o.object);
  const findings = [...checkObjectSchema(o), ...checkNames(o, template), ...checkValues(o, template), ...checkSecretData(o, env), ...checkPolicies(o, env, template)];
  memo.set(o, { key, findings });
  return findings;
}

/** Hands in findings kept from an earlier run (under `key`, from objectRulesKey); validate then reuses them. */
export function primeObjectFindings(o: SynthObject, key: string, findings: readonly Diagnostic[]): void {
  memo.set(o, { key, findings });
}
