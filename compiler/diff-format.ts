// How `gitops diff` shows object changes: a coloured terminal diff, or Markdown for a pull-request
// comment that always fits GitHub's 65,536-character limit (what it leaves out, it counts and says). Pure.
import { countChanges, type ObjectChange } from './diff.ts';

export interface FormatOptions {
  /** What was compared. @default 'dist/' */
  readonly source?: string;
  /** What dist/ was compared with, e.g. 'refs/heads/rendered (1a2b3c4)' or 'the live cluster'. */
  readonly against: string;
  /** @default 'Rendered changes' */
  readonly title?: string;
  /** @default false */
  readonly markdown?: boolean;
  /** @default false */
  readonly color?: boolean;
  /** The most characters of Markdown. @default MARKDOWN_LIMIT */
  readonly maxChars?: number;
}

/** Below GitHub's 65,536 characters a comment (or GitLab's 1,000,000 a note), with room for a marker and a heading. */
export const MARKDOWN_LIMIT = 60_000;
/** The most characters of one object's diff in Markdown: one huge object does not crowd out the others. */
const PATCH_LIMIT = 10_000;
/** The most characters of the table of counts. */
const TABLE_LIMIT = 12_000;

export function formatChanges(changes: readonly ObjectChange[], options: FormatOptions): string {
  return options.markdown ? formatMarkdown(changes, options) : formatTerminal(changes, options);
}

function summaryLines(changes: readonly ObjectChange[]): string[] {
  return [...countChanges(changes)].map(([key, n]) => `${key}: +${n.added} ~${n.changed} -${n.removed}`);
}

function formatTerminal(changes: readonly ObjectChange[], options: FormatOptions): string {
  const paint = (code: number, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = [`comparing ${options.source ?? 'dist/'} with ${options.against}`];
  if (changes.length === 0) return `${out[0]}\nno changes\n`;
  for (const c of changes) {
    out.push(paint(1, `${c.kind} ${c.path}`));
    for (const line of c.patch.split('\n')) {
      if (line.startsWith('+') && !line.startsWith('+++')) out.push(paint(32, line));
      else if (line.startsWith('-') && !line.startsWith('---')) out.push(paint(31, line));
      else if (line.startsWith('@@')) out.push(paint(36, line));
      else out.push(line);
    }
  }
  out.push('', ...summaryLines(changes));
  return `${out.join('\n')}\n`;
}

function formatMarkdown(changes: readonly ObjectChange[], options: FormatOptions): string {
  const head = [`### ${options.title ?? 'Rendered changes'}`, '', `Compared with ${options.against}.`, ''].join('\n');
  if (changes.length === 0) return `${head}\nNo changes.\n`;
  const out = `${head}\n${countTable(changes)}\n`;
  const shown = fairShare(changes, (options.maxChars ?? MARKDOWN_LIMIT) - out.length - 400); // 400: the note on what was left out
  const blocks = changes.filter((c) => shown.has(c)).map((c) => `${details(c)}\n`).join('');
  const left = changes.filter((c) => !shown.has(c));
  if (left.length === 0) return out + blocks;
  const n = { added: 0, changed: 0, removed: 0 };
  for (const c of left) n[c.kind]++;
  return `${out}${blocks}\n_The diffs of ${left.length} more object(s) (${n.added} added, ${n.changed} changed, ${n.removed} removed; counted in the table) ` +
    'were left out to keep this comment under GitHub\'s 65,536-character limit: run `gitops diff` to see them all._\n';
}

/**
 * The changes whose diffs fit in `budget` characters, taken in turns from each environment and app, so a
 * big change in one app does not hide all the others; a diff too big for what is left is passed over.
 */
function fairShare(changes: readonly ObjectChange[], budget: number): Set<ObjectChange> {
  const byApp = new Map<string, ObjectChange[]>();
  for (const c of changes) {
    const key = `${c.env}/${c.app}`;
    (byApp.get(key) ?? byApp.set(key, []).get(key)!).push(c);
  }
  const groups = [...byApp.values()];
  const shown = new Set<ObjectChange>();
  let used = 0;
  for (let turn = 0; groups.some((g) => g.length > turn) && used < budget - 200; turn++) {
    for (const c of groups.map((g) => g[turn]).filter((c) => c !== undefined)) {
      const length = details(c).length + 1;
      if (used + length <= budget) { shown.add(c); used += length; }
    }
  }
  return shown;
}

/** One row per environment and app, as many as fit in TABLE_LIMIT, then how many more. */
function countTable(changes: readonly ObjectChange[]): string {
  const rows = ['| environment / app | added | changed | removed |', '|---|---:|---:|---:|'];
  const counts = [...countChanges(changes)];
  let length = 0;
  for (const [i, [key, n]] of counts.entries()) {
    const row = `| \`${key}\` | ${n.added} | ${n.changed} | ${n.removed} |`;
    if (length + row.length > TABLE_LIMIT) {
      rows.push(`| … and ${counts.length - i} more environment / app pair(s) | | | |`);
      break;
    }
    rows.push(row);
    length += row.length + 1;
  }
  return `${rows.join('\n')}\n`;
}

/** A collapsed diff of one object, cut at PATCH_LIMIT on a line boundary (saying how many lines were left out). */
function details(c: ObjectChange): string {
  let patch = c.patch.trimEnd();
  if (patch.length > PATCH_LIMIT) {
    const cut = patch.lastIndexOf('\n', PATCH_LIMIT);
    const kept = patch.slice(0, cut > 0 ? cut : PATCH_LIMIT);
    patch = `${kept}\n… ${patch.split('\n').length - kept.split('\n').length} more line(s) of this diff left out`;
  }
  const fence = '`'.repeat(Math.max(3, ...[...patch.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [`<details><summary>${c.kind}: <code>${escapeHtml(c.path)}</code></summary>`, '', `${fence}diff`, patch, fence, '', '</details>'].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
