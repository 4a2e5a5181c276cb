// Test helper: a copy of a folder committed as the rendered branch in a repository of its own, fetched
// into a project's repository, the way publish lays it out.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

/** Commits a copy of `dir` as branch 'rendered' and fetches it into `root` as `target`; returns the copy's folder, to remove. */
export async function fetchRenderedCopy(dir: string, root: string, target = 'rendered'): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'rendered-'));
  cpSync(dir, copy, { recursive: true });
  const git = simpleGit(copy);
  await git.init().addConfig('user.email', 't@example.com').addConfig('user.name', 'T').checkoutLocalBranch('rendered');
  await git.add('.').commit('render');
  await simpleGit(root).fetch(copy, `rendered:${target}`);
  return copy;
}
