// `gitops history`: the rendered commits with the source commits they came from, newest first,
// so what runs in a cluster can be traced back to the TypeScript change that caused it.
import { resolve } from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { loadConfig } from '../core/load-config.ts';
import { redactCredentials } from '../core/git-credentials.ts';
import { fetchBranch, readRenderLog, remoteBranchHead, type RenderLogEntry } from './rendered-branch.ts';
import { manifestPath } from '../core/tree-paths.ts';
import { openKeyring, signatureStates, type SignatureState, type TrustedKeyFiles } from '../core/trusted-keys.ts';

export interface HistoryOptions extends TrustedKeyFiles {
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

/** A rendered commit and its signature, checked against the given keys (allowedSigners, openpgpKeys), else git's own settings. */
export interface HistoryEntry extends RenderLogEntry {
  readonly signature: SignatureState;
}

export async function history(options: HistoryOptions): Promise<HistoryEntry[]> {
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
  const paths = env ? [env, manifestPath(env)] : [];
  const entries = await readRenderLog(root, ref, { paths, max: options.max });
  const given = options.allowedSigners !== undefined || (options.openpgpKeys?.length ?? 0) > 0;
  const keyring = given ? await openKeyring(options) : undefined;
  try {
    const states = await signatureStates(root, [...(options.max ? [`--max-count=${options.max}`] : []), ref, '--', ...paths], keyring);
    return entries.map((e) => ({ ...e, signature: states.get(e.sha) ?? { status: 'unsigned' } }));
  } finally {
    await keyring?.close();
  }
}

/** One line per rendered commit: rendered sha, date, source sha and branch, signature, source subject. */
export function formatHistory(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return 'no rendered commits\n';
  const rows = [['rendered', 'date', 'source', 'signature', 'subject'], ...entries.map((e) => [
    e.sha.slice(0, 7),
    e.date,
    e.sourceCommit ? `${e.sourceCommit.slice(0, 7)} (${e.sourceBranch || '?'})` : '(no Source-Commit)',
    formatSignature(e.signature),
    e.subject.replace(/^render [0-9a-f]+: /, ''),
  ])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n') + '\n';
}

/** 'good SHA256:eARvHX… (ci@example.com)', 'unsigned', 'not-allowed C3086ADF23B08B18'. */
function formatSignature(s: SignatureState): string {
  const key = s.key ? ` ${s.key.length > 20 ? `${s.key.slice(0, 19)}…` : s.key}` : '';
  return `${s.status}${key}${s.signer ? ` (${s.signer})` : ''}`;
}
