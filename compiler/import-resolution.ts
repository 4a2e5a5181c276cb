// Whether the files a bundle was made of could resolve differently now than at a commit: a file added since
// can change how an import resolves ('./util' finds a new util.ts before util/index.ts), and so can a changed
// tsconfig.json or package.json (paths, imports), without changing any file the bundle was made of.
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { runGitText } from '../core/git-read.ts';

const MAX_FOLDERS = 64;

/** Files whose change alters how esbuild resolves imports. */
const RESOLUTION_FILES = /(^|\/)(package\.json|[jt]sconfig(\.[^/]*)?\.json)$/;

/**
 * Why imports in the project (the folder `root`, work tree and untracked files) may resolve otherwise than at
 * `commit`, or undefined when they cannot. `sources`: the bundles' files outside the project (absolute); their
 * folders' parents are checked too. `skip`: folders of the project that no import reads (the output, the caches).
 */
export async function resolutionChangedSince(root: string, commit: string, sources: readonly string[], skip: readonly string[]): Promise<string | undefined> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return `its source commit '${commit}' is not a commit id`;
  const short = commit.slice(0, 7);
  const [present, top] = await Promise.all([runGitText(root, ['cat-file', '-e', `${commit}^{commit}`]), runGitText(root, ['rev-parse', '--show-toplevel'])]);
  if (present.code !== 0) return `its source commit ${short} is not in this clone (a shallow clone?)`;
  if (top.code !== 0) return `git could not find the repository of ${root}: ${top.stderr.trim()}`;
  const paths = ['--', '.', ...outsideFolders(root, top.stdout.trim(), sources), ...skip.map((dir) => `:(exclude)${dir}`)];
  const [changed, untracked] = await Promise.all([
    runGitText(root, ['diff', '--name-status', '--no-renames', '-z', commit, ...paths]),
    runGitText(root, ['ls-files', '--others', '--exclude-standard', '-z', ...paths]),
  ]);
  const failed = [changed, untracked].find((r) => r.code !== 0);
  if (failed) return `git could not compare the project with its source commit ${short}: ${failed.stderr.trim()}`;
  const fields = changed.stdout.split('\0'); // -z: status and path alternate
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'A') return `${fields[i + 1]} was added since its source commit ${short}`;
    if (RESOLUTION_FILES.test(fields[i + 1]!)) return `${fields[i + 1]} changed since its source commit ${short}`;
  }
  const file = untracked.stdout.split('\0').find(Boolean);
  return file ? `${file} is not in its source commit ${short}` : undefined;
}

/** The parents of the folders of `sources` outside `root`, within the repository `top` (at most `top` itself). */
function outsideFolders(root: string, top: string, sources: readonly string[]): string[] {
  const inside = (dir: string, parent: string) => { const r = relative(parent, dir); return !r.startsWith('..') && !isAbsolute(r); };
  const folders = sources.filter((f) => !inside(f, root) && inside(f, top) && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => resolve(dirname(dirname(f))))
    .map((dir) => (inside(dir, top) ? dir : top));
  const unique = [...new Set(folders)].sort();
  return unique.length > MAX_FOLDERS ? [top] : unique; // a short command line: the whole repository instead
}
