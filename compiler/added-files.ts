// Whether any file was added to the project since a commit: a new file can change how an import resolves
// ('./util' finds a new util.ts before util/index.ts) without changing any file a bundle was made of.
import { runGitText } from '../core/git-read.ts';

/**
 * Why the project (the folder `root`, work tree and untracked files) may hold a file that `commit` did not,
 * or undefined when it holds none. `skip`: folders of the project that no import reads (the output, the caches).
 */
export async function fileAddedSince(root: string, commit: string, skip: readonly string[]): Promise<string | undefined> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return `its source commit '${commit}' is not a commit id`;
  const present = await runGitText(root, ['cat-file', '-e', `${commit}^{commit}`]);
  if (present.code !== 0) return `its source commit ${commit.slice(0, 7)} is not in this clone (a shallow clone?)`;
  const paths = ['--', '.', ...skip.map((dir) => `:(exclude)${dir}`)];
  const changed = await runGitText(root, ['diff', '--name-status', '--no-renames', '-z', commit, ...paths]);
  const untracked = await runGitText(root, ['ls-files', '--others', '--exclude-standard', '-z', ...paths]);
  const failed = [changed, untracked].find((r) => r.code !== 0);
  if (failed) return `git could not compare the project with its source commit ${commit.slice(0, 7)}: ${failed.stderr.trim()}`;
  // -z: status and path alternate, each ended by NUL.
  const fields = changed.stdout.split('\0');
  const added = fields.findIndex((f, i) => i % 2 === 0 && f === 'A');
  if (added >= 0) return `${fields[added + 1]} was added since its source commit ${commit.slice(0, 7)}`;
  const file = untracked.stdout.split('\0').find(Boolean);
  return file ? `${file} is not in its source commit ${commit.slice(0, 7)}` : undefined;
}
