// The agent's side of declarative health rules (the language is core/health-rules.ts): each rule of the
// rendered branch becomes the health check of its kind. Pure: compile once, evaluate per object.
import { checkHealthRules, firstLine, type Compiled, type Verdict } from '../../core/health-rules.ts';
import type { K8sObject } from '../types.ts';
import { health, isRecord } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

export type { HealthRule } from '../../core/health-rules.ts';

/** Compiled rules by 'group/Kind'. */
export type HealthRules = ReadonlyMap<string, HealthCheck>;

/**
 * The checks of the rules, and their problems (see checkHealthRules). A rule with a problem still
 * gets a check for its kind, which says Unknown and why.
 */
export function compileHealthRules(raw: unknown, where: (index: number, field?: string) => string): { rules: HealthRules; problems: string[] } {
  const checked = checkHealthRules(raw, where);
  const rules = new Map<string, HealthCheck>();
  for (const rule of checked.rules) {
    rules.set(rule.key, rule.expressions ? ruleCheck(rule.expressions) : (object) => health(object, 'Unknown', `cannot assess: ${rule.problem}`));
  }
  return { rules, problems: checked.problems };
}

/** The check that evaluates a rule's expressions in order; one that cannot be evaluated counts as false, and says why. */
function ruleCheck(compiled: readonly (readonly [Verdict, string, Compiled])[]): HealthCheck {
  return (object: K8sObject): Health => {
    const context = { metadata: object.metadata, spec: isRecord(object.spec) ? object.spec : {}, status: isRecord(object.status) ? object.status : {} };
    const errors: string[] = [];
    for (const [status, text, expression] of compiled) {
      try {
        const value = expression(context);
        if (value === true) return health(object, status, `rule ${status.toLowerCase()}: ${text}`);
        if (value !== false) errors.push(`${text}: gave ${typeof value}, not true or false`);
      } catch (error) {
        // A field the object does not have yet ("No such key") is the common case: not true.
        errors.push(`${text}: ${firstLine(error)}`);
      }
    }
    return health(object, 'Progressing', `no health rule is true yet${errors.length > 0 ? ` (${errors[0]})` : ''}`);
  };
}

/**
 * The rules of an environment from its rules file in the rendered branch (untrusted: parsed as
 * data, never run). A file that is not the JSON the compiler writes gives no rules and the problem.
 */
export function loadHealthRules(text: string | undefined, file: string): { rules: HealthRules; problems: string[] } {
  if (text === undefined) return { rules: new Map(), problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { rules: new Map(), problems: [`${file}: not JSON: ${firstLine(error)}`] };
  }
  const rules = isRecord(data) ? data.rules : undefined;
  return compileHealthRules(rules, (i, field) => `${file}: ${i < 0 ? 'rules' : `rules[${i}]${field ? `.${field}` : ''}`}`);
}
