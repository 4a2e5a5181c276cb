// The user's declarative health rules (gitops.config.ts `health.rules`, checked when the config is
// read: core/health-config.ts) rendered into each environment of the branch as data
// (`<env>.health-rules.json`, beside its folder), which the agent evaluates.
import type { HealthRule } from '../core/health-rules.ts';
import { healthRulesPath } from '../core/tree-paths.ts';
import type { RenderedTree } from '../core/types.ts';

/** The tree with each whole environment it renders holding the rules file (none when there are no rules). */
export function withHealthRules(tree: RenderedTree, rules: readonly HealthRule[]): RenderedTree {
  if (rules.length === 0) return tree;
  const text = `${JSON.stringify({ rules }, null, 2)}\n`;
  const files = new Map(tree.files);
  for (const { env, apps } of tree.scope) if (!apps) files.set(healthRulesPath(env), text);
  return { ...tree, files };
}
