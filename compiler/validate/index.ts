// The validation stage: SynthObject[] (every environment) -> ValidationReport. Per-object rules
// run on each object (memoized), set rules per environment; every finding is collected, none
// thrown, in a stable order.
import type { PolicyLevel, PolicyRule, ResolvedConfig, ResolvedEnvironment } from '../../core/config.ts';
import { POLICY_RULES } from '../../core/config.ts';
import type { Diagnostic, SynthObject, ValidationReport } from '../../core/types.ts';
import { checkBounds } from './bounds.ts';
import { envContext, type Rule } from './context.ts';
import { checkDuplicates } from './duplicates.ts';
import { checkNamespaces } from './namespaces.ts';
import { objectFindings, objectRulesKey } from './object-rules.ts';
import { checkReferences } from './references.ts';
import type { CustomKinds } from './crd-schemas.ts';
import { checkCustomResources } from './schema.ts';

export { objectFindings, objectRulesKey, primeObjectFindings } from './object-rules.ts';

/** Rules over the whole set of an environment. */
const SET_RULES: readonly Rule[] = [checkBounds, checkCustomResources, checkDuplicates, checkNamespaces, checkReferences];

/** `importedKinds`: the custom kinds of the project's imports/ (compile passes them; tests may not). */
export function validate(objects: readonly SynthObject[], config: ResolvedConfig, importedKinds?: CustomKinds): ValidationReport {
  const byEnv = new Map<string, SynthObject[]>(config.environments.map((e) => [e.name, []]));
  for (const o of objects) {
    const list = byEnv.get(o.env) ?? [];
    list.push(o);
    byEnv.set(o.env, list);
  }
  const diagnostics: Diagnostic[] = [];
  // No spread into push: findings can outnumber call arguments.
  for (const [name, envObjects] of byEnv) {
    const env = environment(config, name);
    const key = objectRulesKey(env);
    for (const o of envObjects) for (const d of objectFindings(o, env, key)) diagnostics.push(d);
    const ctx = envContext(env, envObjects, config, importedKinds);
    for (const rule of SET_RULES) for (const d of rule(ctx)) diagnostics.push(d);
  }
  diagnostics.sort(byPlace([...byEnv.keys()]));
  return {
    errors: diagnostics.filter((d) => d.severity === 'error'),
    warnings: diagnostics.filter((d) => d.severity === 'warn'),
  };
}

// Objects of an environment the config does not declare get the defaults: no policies, no secret data.
function environment(config: ResolvedConfig, name: string): ResolvedEnvironment {
  const off = Object.fromEntries(POLICY_RULES.map((r) => [r, 'off'])) as Record<PolicyRule, PolicyLevel>;
  return config.environments.find((e) => e.name === name) ?? { name, values: undefined, allowSecretData: false, policies: off, secretRecipients: [] };
}

/** Environments in config order, then app, file, object, rule and message, compared by code unit so any machine agrees. */
function byPlace(envOrder: readonly string[]): (a: Diagnostic, b: Diagnostic) => number {
  const envRank = new Map(envOrder.map((e, i) => [e, i]));
  const keys = ['app', 'sourceFile', 'object', 'constructPath', 'rule', 'message'] as const;
  return (a, b) => {
    const env = (envRank.get(a.env ?? '') ?? 0) - (envRank.get(b.env ?? '') ?? 0);
    if (env !== 0) return env;
    for (const key of keys) {
      const x = a[key] ?? '';
      const y = b[key] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}
