// The agent's source: follows one branch of a remote in a local bare clone of only that branch,
// notices a new head cheaply (ls-remote), fetches just that branch, and reads one environment's
// files of a commit as a Revision.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { GitError } from '../compiler/errors.ts';
import { readTree } from '../compiler/git-read.ts';
import { redactCredentials, TRAILERS } from '../compiler/rendered-branch.ts';
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
  /** The YAML files under `<env>/` of a fetched commit (paths relative to `<env>/`) and its Source-Commit trailer. */
  revisionAt(commit: string, env: string): Promise<Revision>;
}

export function openSource(options: SourceOptions): Source {
  const url = normalizeUrl(options.url);
  const remote = redactCredentials(url); // scp-like user@host:path carries no secret and stays
  const branch = options.branch;
  const dir = options.cacheDir ?? defaultCacheDir(url, branch);
  const localRef = `refs/heads/${branch}`;
  const timeout = options.gitTimeout ?? 120_000;
  const hint = 'Check the URL and that git on this machine can reach it with the credentials in its config or environment (credential helper, GIT_ASKPASS, ssh-agent).';
  const redact = (text: string) => redactCredentials(hideUserinfo(text, url));

  const git = async (what: string, args: readonly string[], errorHint = hint): Promise<string> => {
    const result = await runGit(dir, args, timeout);
    if (result.code !== 0) {
      // No `cause`: git's own error text may hold the URL with its credentials.
      throw new GitError(redact(`${what} of '${remote}' (branch '${branch}'): ${result.stderr.trim() || `git exited with ${result.code}`}`), { hint: errorHint });
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
    const out = await git('looking for new commits (git ls-remote)', ['ls-remote', '--', url, localRef]);
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
      await git('fetching', ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', url, `+${localRef}:${localRef}`]);
      const commit = (await localHead())!;
      options.log?.info({ remote, branch, commit, previous }, 'fetched a new head');
      return { commit, fetched: true };
    },
    async revisionAt(commit, env) {
      await ensureClone();
      const subject = { env, commit, hint: 'Fetch the branch again (the local clone may have been removed), or check that the commit is on it.' };
      const trailer = await runGit(dir, ['log', '-1', `--format=%(trailers:key=${TRAILERS.sourceCommit},valueonly)`, commit, '--'], timeout);
      if (trailer.code !== 0) throw new GitError(`commit ${commit} is not in the local clone of '${remote}' (branch '${branch}')`, subject);
      let tree: Map<string, string>;
      try {
        tree = await readTree(dir, commit, `${env}/`);
      } catch (error) {
        throw new GitError(`reading ${env}/ of commit ${commit} from the clone of '${remote}': ${(error as Error).message.trim()}`, subject);
      }
      // Only object files: the agent keeps the revision while its head stays, and manifest.json is as large as a thousand of them.
      const files = new Map([...tree].filter(([path]) => /\.ya?ml$/.test(path)).map(([path, text]) => [path.slice(env.length + 1), text]));
      const sourceCommit = trailer.stdout.trim().split('\n')[0] || undefined;
      return { commit, env, files, ...(sourceCommit ? { sourceCommit } : {}) };
    },
  };
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

interface GitResult { readonly code: number; readonly stdout: string; readonly stderr: string }

function runGit(dir: string, args: readonly string[], timeout: number): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    // No prompts: an agent has nobody to type a password; a missing credential must fail, not hang.
    const child = spawn('git', args, { cwd: dir, timeout, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({ code: code ?? 1, stdout, stderr: signal ? `${stderr}\ngit was stopped after ${timeout} ms (${signal})`.trim() : stderr });
    });
  });
}
