// The language of declarative health rules: per group and kind, CEL expressions over the live object's
// metadata, spec and status that say when it is suspended, progressing, degraded or healthy (the shape of
// Flux's healthCheckExprs). The compiler checks them at synth; the agent gets them as data and evaluates
// them (agent/health/rules.ts): no code from the rendered branch ever runs. Pure.
import { Environment } from '@marcbachmann/cel-js';
import { isRecord } from './is-record.ts';

/** One rule as written in gitops.config.ts and stored in the rendered branch. */
export interface HealthRule {
  /** API group, '' for the core group, e.g. 'example.com'. */
  readonly group: string;
  readonly kind: string;
  /** CEL, true when the object is settled and fine, e.g. 'status.phase == "Ready"'. */
  readonly healthy: string;
  /** CEL, true while it is on its way. @default none */
  readonly progressing?: string;
  /** CEL, true when it failed and will not fix itself. @default none */
  readonly degraded?: string;
  /** CEL, true when paused on purpose. @default none */
  readonly suspended?: string;
}

// Evaluated in this order, the first true one wins (Flux's order, with suspended first); none
// true is Progressing: the object is not yet what `healthy` asks for.
export type Verdict = 'Suspended' | 'Progressing' | 'Degraded' | 'Healthy';

const VERDICTS: readonly (readonly [keyof HealthRule & string, Verdict])[] = [['suspended', 'Suspended'], ['progressing', 'Progressing'], ['degraded', 'Degraded'], ['healthy', 'Healthy']];
const MAX_EXPRESSION = 2_000;
const MAX_RULES = 500;
const KEYS = new Set(['group', 'kind', ...VERDICTS.map(([key]) => key)]);

// Every rule sees the same three variables; small structural limits keep one evaluation cheap.
const env = new Environment({ limits: { maxAstNodes: 500, maxDepth: 32 } })
  .registerVariable('metadata', 'map').registerVariable('spec', 'map').registerVariable('status', 'map');

/** A compiled expression: evaluated against { metadata, spec, status }. */
export type Compiled = (context: Record<string, unknown>) => unknown;

/** One rule as checked: its kind and its compiled expressions in the order they are tried, or none when it has a problem. */
export interface CheckedRule {
  readonly key: string; // 'group/Kind'
  readonly expressions?: readonly (readonly [Verdict, string, Compiled])[];
  /** Its first problem, when it has one. */
  readonly problem?: string;
}

/**
 * Checks and compiles the rules; each problem names the rule (`where(i)`), the field and what is wrong.
 * A rule with a bad expression is still returned (without expressions), so that its kind is never
 * assessed by another check silently.
 */
export function checkHealthRules(raw: unknown, where: (index: number, field?: string) => string): { rules: CheckedRule[]; problems: string[] } {
  const problems: string[] = [];
  const rules: CheckedRule[] = [];
  if (raw === undefined) return { rules, problems };
  if (!Array.isArray(raw)) return { rules, problems: [`${where(-1)}: must be a list of { group, kind, healthy, ... }`] };
  if (raw.length > MAX_RULES) return { rules, problems: [`${where(-1)}: ${raw.length} rules; at most ${MAX_RULES}`] };
  const seen = new Set<string>();
  raw.forEach((rule, i) => {
    const own: string[] = [];
    const expressions = compileRule(rule, (field, what) => own.push(`${where(i, field)}: ${what}`));
    problems.push(...own);
    if (!isRecord(rule) || typeof rule.group !== 'string' || typeof rule.kind !== 'string') return;
    const key = `${rule.group}/${rule.kind}`;
    if (seen.has(key)) problems.push(`${where(i)}: a second rule for ${key}; keep one`);
    seen.add(key);
    rules.push({ key, ...(expressions ? { expressions } : { problem: own[0] ?? 'invalid health rule' }) });
  });
  return { rules, problems };
}

function compileRule(rule: unknown, fail: (field: string | undefined, what: string) => void): CheckedRule['expressions'] {
  if (!isRecord(rule)) return fail(undefined, 'must be an object { group, kind, healthy, ... }'), undefined;
  for (const key of Object.keys(rule)) if (!KEYS.has(key)) fail(key, `unknown key; use ${[...KEYS].join(', ')}`);
  if (typeof rule.group !== 'string') fail('group', "must be the API group, '' for the core group");
  if (typeof rule.kind !== 'string' || rule.kind === '') fail('kind', 'must be the kind, e.g. "Widget"');
  if (rule.healthy === undefined) fail('healthy', 'is required: a CEL expression that is true when the object is healthy');
  const compiled: [Verdict, string, Compiled][] = [];
  for (const [key, status] of VERDICTS) {
    const text = rule[key];
    if (text === undefined) continue;
    const expression = compileExpression(text);
    if (typeof expression === 'string') fail(key, expression);
    else compiled.push([status, text as string, expression]);
  }
  const ok = typeof rule.group === 'string' && typeof rule.kind === 'string' && rule.kind !== '' && compiled.some(([s]) => s === 'Healthy');
  return ok && compiled.length === VERDICTS.filter(([key]) => rule[key] !== undefined).length ? compiled : undefined;
}

/** The compiled expression, or what is wrong with it. */
function compileExpression(text: unknown): Compiled | string {
  if (typeof text !== 'string' || text.trim() === '') return 'must be a CEL expression (a non-empty string)';
  if (text.length > MAX_EXPRESSION) return `is ${text.length} characters long; at most ${MAX_EXPRESSION}`;
  try {
    const checked = env.check(text);
    if (!checked.valid) return `invalid CEL: ${firstLine(checked.error)}`;
    if (checked.type !== 'bool' && checked.type !== 'dyn') return `must be true or false, but its type is ${checked.type}`;
    const parsed = env.parse(text);
    return costProblem(parsed.ast) ?? (parsed as Compiled);
  } catch (error) {
    return `invalid CEL: ${firstLine(error)}`;
  }
}

// The time one evaluation takes must stay linear in the object's size, whatever the branch holds:
// a list macro inside another is quadratic, and a regular expression can backtrack for ever.
const LIST_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** What makes an expression's cost unbounded, if anything; `node` is the library's AST ({ op, args }). */
function costProblem(node: unknown, insideMacro = false): string | undefined {
  if (Array.isArray(node)) return node.map((n) => costProblem(n, insideMacro)).find(Boolean);
  if (!isRecord(node) || typeof node.op !== 'string') return undefined;
  const name = (node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) ? node.args[0] : undefined;
  if (name === 'matches') return 'matches() is not allowed (a regular expression can take unbounded time); use contains, startsWith or endsWith';
  const macro = typeof name === 'string' && LIST_MACROS.has(name);
  if (macro && insideMacro) return `${name}() inside another list macro is not allowed (its cost grows with the square of the list)`;
  return costProblem(node.args, insideMacro || macro);
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

