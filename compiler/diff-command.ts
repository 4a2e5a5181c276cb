// `gitops diff`: what the rendered branch would gain, change and lose if dist/ were published,
// as a coloured terminal diff or as Markdown for a pull-request comment.
import { resolve } from 'node:path';
import { countChanges, diffTrees, type ObjectChange } from './diff.ts';
import { readTree, resolveRef } from '../core/git-read.ts';
import { loadConfig } from '../core/load-config.ts';
import { listFiles } from './write.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiffOptions {
  readonly root: string;
  /** @default the remote's rendered branch when fetched, else the local one */
  readonly ref?: string;
  readonly env?: readonly string[];
  /** @default false */
  readonly markdown?: boolean;
  /** @default 'auto' (when stdout is a terminal) */
  readonly color?: string;
}

export async function runDiff(options: DiffOptions): Promise<string> {
  const root = resolve(options.root);
  const config = await loadConfig(root);
  const outDir = resolve(root, config.outDir);
  const branch = config.branches.rendered;
  const candidates = options.ref ? [options.ref] : [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`];
  let base: { ref: string; sha: string } | undefined;
  for (const ref of candidates) {
    const sha = await resolveRef(root, ref);
    if (sha) { base = { ref, sha }; break; }
  }
  const before = base ? await readTree(root, base.sha) : new Map<string, string>();
  const after = new Map(listFiles(outDir, '').map((p) => [p, readFileSync(join(outDir, p), 'utf8')]));
  const changes = diffTrees(before, after, options.env);
  const against = base ? `${base.ref} (${base.sha.slice(0, 7)})` : `nothing: no rendered branch '${branch}' yet, everything is added`;
  if (options.markdown) return formatMarkdown(changes, against);
  const color = options.color === 'always' || (options.color !== 'never' && process.stdout.isTTY === true);
  return formatTerminal(changes, against, color);
}

function summaryLines(changes: readonly ObjectChange[]): string[] {
  return [...countChanges(changes)].map(([key, n]) => `${key}: +${n.added} ~${n.changed} -${n.removed}`);
}

function formatTerminal(changes: readonly ObjectChange[], against: string, color: boolean): string {
  const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = [`comparing dist/ with ${against}`];
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

function formatMarkdown(changes: readonly ObjectChange[], against: string): string {
  const out = [`### Rendered changes`, '', `Compared with ${against}.`, ''];
  if (changes.length === 0) return `${out.join('\n')}No changes.\n`;
  out.push('| environment / app | added | changed | removed |', '|---|---:|---:|---:|');
  for (const [key, n] of countChanges(changes)) out.push(`| \`${key}\` | ${n.added} | ${n.changed} | ${n.removed} |`);
  out.push('');
  for (const c of changes) {
    out.push(`<details><summary>${c.kind}: <code>${c.path}</code></summary>`, '', '```diff', c.patch.trimEnd(), '```', '', '</details>');
  }
  return `${out.join('\n')}\n`;
}
