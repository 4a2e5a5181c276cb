// `gitops history`: the rendered commits with the source commits they came from, newest first,
// so what runs in a cluster can be traced back to the TypeScript change that caused it.
import { resolve } from 'node:path';
import { UserInputError } from './errors.ts';
import { loadConfig } from './load-config.ts';
import { fetchBranch, readRenderLog, redactCredentials, remoteBranchHead, type RenderLogEntry } from './rendered-branch.ts';

export interface HistoryOptions {
  readonly root: string;
  /** Remote name or URL whose rendered branch is read (fetched first). @default 'origin' */
  readonly remote?: string;
  /** Read this ref instead, without fetching. @default the remote's rendered branch */
  readonly ref?: string;
  /** Only commits that changed this environment. @default every commit */
  readonly env?: string;
  /** At most this many commits. @default all */
  readonly max?: number;
}

export async function history(options: HistoryOptions): Promise<RenderLogEntry[]> {
  const root = resolve(options.root);
  const config = await loadConfig(root);
  const { remote = 'origin', env } = options;
  if (env && !config.environments.some((e) => e.name === env)) {
    throw new UserInputError(`unknown environment ${env}`, { file: config.file, hint: `Use one of: ${config.environments.map((e) => e.name).join(', ')}.` });
  }
  const branch = config.branches.rendered;
  let ref = options.ref;
  if (!ref) {
    if (!(await remoteBranchHead(root, remote, branch))) {
      throw new UserInputError(`remote '${redactCredentials(remote)}' has no rendered branch '${branch}' yet`, { hint: 'Publish first (npm run publish), or pass --ref.' });
    }
    ref = await fetchBranch(root, remote, branch);
  }
  return readRenderLog(root, ref, { paths: env ? [env] : undefined, max: options.max });
}

/** One line per rendered commit: rendered sha, date, source sha and branch, source subject. */
export function formatHistory(entries: readonly RenderLogEntry[]): string {
  if (entries.length === 0) return 'no rendered commits\n';
  const rows = [['rendered', 'date', 'source', 'subject'], ...entries.map((e) => [
    e.sha.slice(0, 7),
    e.date,
    e.sourceCommit ? `${e.sourceCommit.slice(0, 7)} (${e.sourceBranch || '?'})` : '(no Source-Commit)',
    e.subject.replace(/^render [0-9a-f]+: /, ''),
  ])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n') + '\n';
}
