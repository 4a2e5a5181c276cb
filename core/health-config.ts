// The `health` section of gitops.config.ts: declarative health rules, checked and compiled when the
// config is read, so that a bad CEL expression is a synth error with its config line.
import type { checkHealthRules, HealthRule } from './health-rules.ts';
import { isRecord } from './is-record.ts';

/** What checks and compiles the rules (health-rules.ts): loaded only for a config that has some, as it loads CEL. */
export type HealthRuleCheck = typeof checkHealthRules;

/** Whether a config (as its module exports it) declares health rules, so its check needs a HealthRuleCheck. */
export function declaresHealthRules(raw: unknown): boolean {
  return isRecord(raw) && isRecord(raw.health) && raw.health.rules !== undefined;
}

export interface HealthConfig {
  /** Health rules per group and kind, CEL over `metadata`, `spec` and `status`; they come before the built-in checks. @default [] */
  readonly rules?: readonly HealthRule[];
}

/** The rules of `health` in the config, and the problems with them, each naming the key and its line in `source`. */
export function resolveHealthConfig(raw: unknown, file: string, source = '', check?: HealthRuleCheck): { rules: readonly HealthRule[]; problems: string[] } {
  if (raw === undefined) return { rules: [], problems: [] };
  if (!isRecord(raw)) return { rules: [], problems: ['health: must be an object, e.g. { rules: [...] }'] };
  const config = raw;
  const unknown = Object.keys(config).filter((k) => k !== 'rules').map((k) => `health.${k}: unknown key; use rules`);
  const list = config.rules;
  const where = (i: number, field?: string) => {
    const key = i < 0 ? 'health.rules' : `health.rules[${i}]${field ? `.${field}` : ''}`;
    const rule = Array.isArray(list) ? list[i] as Record<string, unknown> | undefined : undefined;
    const text = field && typeof rule?.[field] === 'string' ? rule[field] as string : typeof rule?.kind === 'string' ? rule.kind : undefined;
    const line = lineOf(source, text);
    return line ? `${key} (${file}:${line})` : key;
  };
  if (list !== undefined && !check) throw new Error('checking health rules needs their check (health-rules.ts): loadConfig passes it');
  const { problems } = check ? check(list, where) : { problems: [] };
  return { rules: problems.length === 0 && Array.isArray(list) ? list as HealthRule[] : [], problems: [...unknown, ...problems] };
}

/** The 1-based line where `text` is written in `source` (as it is, or with its quotes escaped), if found. */
function lineOf(source: string, text: string | undefined): number | undefined {
  if (!text) return undefined;
  const spellings = [text, text.replace(/["']/g, (q) => `\\${q}`), JSON.stringify(text).slice(1, -1)];
  const at = spellings.map((s) => source.indexOf(s)).find((i) => i >= 0);
  return at === undefined ? undefined : source.slice(0, at).split('\n').length;
}
