// Subject, author and date of a rendered commit, read from the agent's clone for the web page.
// The commit is untrusted content: each field is cut short; a commit the clone lacks gives nothing.
import { runGitText } from '../../core/git-read.ts';

export interface CommitInfo {
  readonly subject: string;
  readonly author: string;
  /** ISO 8601, as the commit says (the author's clock). */
  readonly date: string;
}

const FIELD_CHARS = 200;

export async function readCommitInfo(dir: string, commit: string, timeoutMs = 10_000): Promise<CommitInfo | undefined> {
  if (!/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  const { code, stdout } = await runGitText(dir, ['show', '--no-patch', '--no-show-signature', '--format=%s%x00%an%x00%aI', commit], { timeoutMs });
  if (code !== 0) return undefined;
  const [subject = '', author = '', date = ''] = stdout.trim().split('\0').map((f) => f.slice(0, FIELD_CHARS));
  return { subject, author, date };
}
