// `gitops status` for people: per environment its sync state and health, revision and source commit,
// last reconcile, counts per action, then a row per app and what failed. Fits the terminal's width
// (80 columns when it has none); colour only when asked (on a TTY).
import { formatRef } from '../core/kinds.ts';
import type { HealthStatus } from './health/types.ts';
import { countActions, type StoredResult } from './status.ts';
import type { Action } from './types.ts';

export interface TableOptions {
  readonly now?: Date;
  /** @default 80 */
  readonly width?: number;
  /** @default false */
  readonly color?: boolean;
}

const ACTIONS: readonly Action[] = ['created', 'configured', 'unchanged', 'pruned', 'skipped', 'failed'];
// ANSI foreground colours: green, cyan, yellow, red; 39 resets.
const GREEN = 32, CYAN = 36, YELLOW = 33, RED = 31;
const STYLE: Readonly<Record<HealthStatus | 'FAILED' | 'synced', number>> = {
  Healthy: GREEN, synced: GREEN, Suspended: CYAN, Unknown: YELLOW, Progressing: YELLOW, Missing: RED, Degraded: RED, FAILED: RED,
};

export function formatStatus(result: StoredResult, options: TableOptions = {}): string {
  const { now = new Date(), width = 80 } = options;
  const paint = (word: keyof typeof STYLE) => (options.color ? `\x1b[${STYLE[word]}m${word}\x1b[39m` : word);
  const fit = (line: string) => clipLine(line, width);
  const counts = result.counts ?? countActions(result);
  const omitted = result.omitted ?? {};
  const source = `${result.sourceCommit ? ` <- source ${printable(result.sourceCommit.slice(0, 12))}` : ''}${result.subject ? ` "${printable(result.subject.replace(/^render [0-9a-f]+: /, ''))}"` : ''}`;
  const lines = [
    `${result.env}  ${paint(result.ok ? 'synced' : 'FAILED')}${result.health ? `  ${paint(result.health.status)}` : ''}`,
    fit(`  revision    ${result.revision?.slice(0, 12) ?? '(none applied yet)'}${source}`),
    fit(`  reconciled  ${result.startedAt.replace(/\.\d+Z$/, 'Z')} (${ago(new Date(result.startedAt), now)}), took ${seconds(result.durationMs)}`),
    ...wrap(`  objects     `, ACTIONS.filter((a) => counts[a] || a === 'unchanged').map((a) => `${counts[a] ?? 0} ${a}`), width),
  ];
  if (result.health) {
    if (result.health.status !== 'Healthy') lines.push(fit(`  health      ${result.health.message}`));
    const apps = Object.entries(result.health.apps);
    const column = Math.min(24, Math.max(3, ...apps.map(([app]) => app.length)));
    lines.push(`  ${'APP'.padEnd(column)}  ${'HEALTH'.padEnd(11)}  MESSAGE`);
    for (const [app, h] of apps) {
      const message = h.status === 'Healthy' ? '' : clipLine(h.message, Math.max(10, width - column - 17));
      lines.push(`  ${clipLine(app, column).padEnd(column)}  ${paint(h.status)}${' '.repeat(11 - h.status.length)}  ${message}`.trimEnd());
    }
    lines.push(...more(omitted.apps, 'apps', '  '));
  }
  // Reasons, notices and errors are shown whole (wrapped by the terminal): they say what to do.
  for (const action of ['failed', 'skipped'] as const) {
    const listed = result.changes.filter((c) => c.action === action);
    if (listed.length === 0) continue;
    lines.push(`  ${action}:`, ...listed.map((c) => `    ${formatRef(c.ref)}${c.reason ? `: ${c.reason}` : ''}`), ...more((counts[action] ?? 0) - listed.length, action, '    '));
  }
  if (result.notices?.length) lines.push('  notices:', ...result.notices.map((n) => `    ${n}`), ...more(omitted.notices, 'notices', '    '));
  if (result.errors.length > 0) lines.push('  errors:', ...result.errors.map((e) => `    ${e.replace(/\n/g, '\n    ')}`), ...more(omitted.errors, 'errors', '    '));
  return `${lines.join('\n')}\n`;
}

/** `head` then the items separated by ', ', broken into lines of at most `width`, continued under the first item. */
function wrap(head: string, items: readonly string[], width: number): string[] {
  const lines = [head];
  for (const item of items) {
    const last = lines[lines.length - 1]!;
    const joined = last === head ? `${last}${item}` : `${last}, ${item}`;
    if (joined.length <= width || last.length <= head.length) lines[lines.length - 1] = joined;
    else { lines[lines.length - 1] = `${last},`; lines.push(`${' '.repeat(head.length)}${item}`); }
  }
  return lines;
}

/** Text from the branch (a trailer, a subject) with control characters shown as '?': it must not drive the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function clipLine(text: string, width: number): string {
  const line = text.split('\n', 1)[0]!;
  return line.length <= width && line === text ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

/** The line that says how many the status object counted but did not list (none when it listed all). */
function more(count: number | undefined, what: string, indent: string): string[] {
  return count && count > 0 ? [`${indent}… and ${count} more ${what}`] : [];
}

function ago(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
