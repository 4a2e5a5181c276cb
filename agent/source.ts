// The agent's source: follows one branch of a remote in a local bare clone of only that branch,
// notices a new head cheaply (ls-remote), fetches just that branch, and reads one environment's
// files of a commit as a Revision.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { GitError, UserInputError } from '../core/errors.ts';
import { isAncestor, listTree, readBlobs, regularFilesOnly, runGitText, type TreeEntry } from '../core/git-read.ts';
import { TRAILERS } from '../core/trailers.ts';
import { explainAuthFailure, redactCredentials, remoteWithoutCredentials } from '../core/git-credentials.ts';
import { healthRulesPath } from '../core/tree-paths.ts';
import { checkListing, DEFAULT_LIMITS, type RevisionLimits } from '../core/limits.ts';
import type { Logger } from './log.ts';
import type { Revision } from './types.ts';

export interface SourceOptions {
  /** Remote URL or local path: /srv/repo.git, file://, git://, http(s)://, ssh:// or user@host:path. */
  readonly url: string;
  readonly branch: string;
  /** Folder of the local clone. @default `${XDG_CACHE_HOME:-~/.cache}/typed-gitops/agent/<hash of url+branch>` */
  readonly cacheDir?: string;
  /** Longest a single git command may run before it is killed, in ms. @default 120_000 */
  readonly gitTimeout?: number;
  /** What one revision may hold; over a limit, revisionAt refuses it before reading its files. @default DEFAULT_LIMITS */
  readonly limits?: RevisionLimits;
  readonly log?: Logger;
}

export interface SourceUpdate {
  readonly commit: string;
  /** True when the head had moved and was fetched now. */
  readonly fetched: boolean;
}

export interface Source {
  /** The remote with any credentials replaced by `***`: the only form we print. */
  readonly remote: string;
  readonly branch: string;
  readonly dir: string;
  /** The commit the remote's branch points at now (one `git ls-remote`). */
  remoteHead(): Promise<string>;
  /** Compares the remote head with the local clone and fetches the branch when it moved. */
  update(): Promise<SourceUpdate>;
  /**
   * The object files under `<env>/` of a fetched commit (paths relative to `<env>/`) and its Source-Commit trailer.
   * A revision that breaks a rule (a file that is not a regular .yaml/.yml/.json file, a limit, bytes that are not
   * UTF-8) is refused with a UserInputError naming the commit and the file; git failing is a GitError.
   */
  revisionAt(commit: string, env: string): Promise<Revision>;
}

/** A source backed by a local clone, which can also answer questions about its history. */
export interface GitSource extends Source {
  /**
   * Whether fetched `commit` is `ancestor` or descends from it. An ancestor the clone lacks is not one: fetching
   * a commit brings every commit it descends from (the clone is never shallow).
   */
  descends(commit: string, ancestor: string): Promise<boolean>;
}

export function openSource(options: SourceOptions): GitSource {
  const url = normalizeUrl(options.url);
  const remote = redactCredentials(url); // scp-like user@host:path carries no secret and stays
  const branch = options.branch;
  const dir = options.cacheDir ?? defaultCacheDir(url, branch);
  const localRef = `refs/heads/${branch}`;
  const timeout = options.gitTimeout ?? 120_000;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const hint = 'Check the URL and that git on this machine can reach it with the credentials in its config or environment (credential helper, GIT_ASKPASS, ssh-agent).';
  const redact = (text: string) => redactCredentials(hideUserinfo(text, url));
  const transport = remoteWithoutCredentials(url); // the token goes through git's environment, never its command line

  const git = async (what: string, args: readonly string[], errorHint = hint): Promise<string> => {
    const result = await runGit(dir, args, timeout, transport.env);
    if (result.code !== 0) {
      // No `cause`: git's own error text may hold the URL with its credentials.
      throw new GitError(redact(`${what} of '${remote}' (branch '${branch}'): ${explainAuthFailure(result.stderr.trim(), transport) || `git exited with ${result.code}`}`), { hint: errorHint });
    }
    return result.stdout;
  };

  let initialized = false;
  const ensureClone = async () => {
    if (initialized) return;
    if (!existsSync(join(dir, 'HEAD'))) {
      mkdirSync(dir, { recursive: true });
      // The URL is never written into the clone's config: credentials in it stay in memory only.
      await git('creating the local clone', ['init', '--quiet', '--bare', '.'], `Check that ${dir} is writable, or pick another folder.`);
      await git('creating the local clone', ['symbolic-ref', 'HEAD', localRef]);
    }
    initialized = true;
  };

  const localHead = async (): Promise<string | undefined> => {
    const result = await runGit(dir, ['rev-parse', '--verify', '--quiet', `${localRef}^{commit}`], timeout);
    return result.code === 0 ? result.stdout.trim() : undefined;
  };

  const remoteHead = async (): Promise<string> => {
    await ensureClone();
    const out = await git('looking for new commits (git ls-remote)', ['ls-remote', '--', transport.url, localRef]);
    // ls-remote matches patterns by suffix: keep only the exact ref.
    const commit = out.split('\n').map((line) => line.split('\t')).find(([, ref]) => ref === localRef)?.[0];
    if (!commit) {
      throw new GitError(`remote '${remote}' has no branch '${branch}'`, { hint: 'Publish to it first (npm run publish), or pass the rendered branch with --branch.' });
    }
    return commit;
  };

  return {
    remote,
    branch,
    dir,
    remoteHead,
    async update() {
      const [head, previous] = [await remoteHead(), await localHead()];
      if (head === previous) return { commit: head, fetched: false };
      // Only this branch, into its own ref; git transfers just the objects the clone lacks.
      await git('fetching', ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', transport.url, `+${localRef}:${localRef}`]);
      const commit = (await localHead())!;
      options.log?.info({ remote, branch, commit, previous }, 'fetched a new head');
      return { commit, fetched: true };
    },
    async descends(commit, ancestor) {
      await ensureClone();
      if (!/^[0-9a-f]{40,64}$/.test(ancestor)) return false; // recorded in the cluster: never taken for an option or a ref
      return (await isAncestor(dir, ancestor, commit, timeout)) === true; // a commit the clone lacks is no ancestor
    },
    async revisionAt(commit, env) {
      await ensureClone();
      const subject = { env, commit, hint: 'Fetch the branch again (the local clone may have been removed), or check that the commit is on it.' };
      const trailer = await runGit(dir, ['log', '-1', `--format=%s%x00%(trailers:key=${TRAILERS.sourceCommit},valueonly)`, commit, '--'], timeout);
      if (trailer.code !== 0) throw new GitError(`commit ${commit} is not in the local clone of '${remote}' (branch '${branch}')`, subject);
      let files: EnvFiles;
      try {
        files = await readEnvFiles(dir, commit, env, limits, timeout);
      } catch (error) {
        if (error instanceof UserInputError) throw new UserInputError(error.message, { env, ...error.subject });
        throw new GitError(`reading ${env}/ of commit ${commit} from the clone of '${remote}': ${(error as Error).message.trim()}`, subject);
      }
      const [title = '', trailers = ''] = trailer.stdout.split('\0');
      const sourceCommit = trailers.trim().split('\n')[0] || undefined;
      return { commit, env, ...files, ...(sourceCommit ? { sourceCommit } : {}), ...(title ? { subject: title } : {}) };
    },
  };
}

interface EnvFiles { readonly files: Map<string, string>; readonly healthRules?: string }

/**
 * The object files of `<env>/` (paths relative to it) and the health rules beside it, checked from the listing
 * before a byte is read: regular files only, each .yaml, .yml or .json, within the limits. The compiler's
 * manifest lies beside `<env>/` too (`<env>.manifest.json`): it is untrusted and not needed, so it is never read.
 */
async function readEnvFiles(dir: string, commit: string, env: string, limits: RevisionLimits, timeoutMs: number): Promise<EnvFiles> {
  const prefix = `${env}/`;
  // One entry more than the limit allows is enough to refuse; the rest is never listed.
  const listed = regularFilesOnly(await listTree(dir, commit, { prefix, maxEntries: limits.objects + 1, timeoutMs }), commit);
  const files = listed.map((entry) => objectFile(entry, commit));
  const rules = regularFilesOnly(await listTree(dir, commit, { prefix: healthRulesPath(env), maxEntries: 1, timeoutMs }), commit);
  checkListing([...files, ...rules].map((f) => ({ path: f.path, size: f.size! })), limits, { commit, env });
  const texts = await readBlobs(dir, commit, [...files, ...rules], { timeoutMs });
  return {
    files: new Map(files.map((f, i) => [f.path.slice(prefix.length), texts[i]!])),
    ...(rules.length > 0 ? { healthRules: texts[files.length] } : {}),
  };
}

/** The entry, when its name is one of an object file; anything else under `<env>/` was not written by the compiler. */
function objectFile(entry: TreeEntry, commit: string): TreeEntry {
  if (/\.(ya?ml|json)$/.test(entry.path)) return entry;
  // kubectl apply -R skips such files; we refuse them, so that no file reviewers see is silently left out.
  throw new UserInputError(`${JSON.stringify(entry.path)}: not an object file (.yaml, .yml or .json); the revision is refused and nothing of it is applied`, {
    commit, file: entry.path, hint: 'Remove it from the rendered branch (publish writes only object files there), or rename it if it holds objects.',
  });
}

/** Local paths made absolute, since git runs inside the cache folder; URLs stay as they are. */
function normalizeUrl(url: string): string {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  const isScpLike = /^[^/]*:/.test(url) && !isAbsolute(url); // [user@]host:path
  return isUrl || isScpLike ? url : resolve(url);
}

/** Hides the userinfo of `url` wherever git echoed it, even outside the `scheme://user@` form. */
function hideUserinfo(text: string, url: string): string {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(url)?.[1];
  if (!userinfo) return text;
  let out = text.split(userinfo).join('***');
  try {
    out = out.split(decodeURIComponent(userinfo)).join('***');
  } catch {
    // not percent-encoded: nothing more to hide
  }
  return out;
}

function defaultCacheDir(url: string, branch: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  // Hash of the URL without credentials: a rotated token keeps the same clone.
  const key = createHash('sha256').update(`${url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1')}\n${branch}`).digest('hex').slice(0, 16);
  return join(base, 'typed-gitops', 'agent', key);
}

/** git with the source's time limit, stdin closed and no prompts (see runGitProcess). */
function runGit(dir: string, args: readonly string[], timeoutMs: number, env?: Readonly<Record<string, string>>) {
  return runGitText(dir, args, { timeoutMs, env });
}
