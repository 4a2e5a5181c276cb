// The rendered branch in git, as plain functions that each take the repo folder: read the source
// commit, look at and fetch the remote branch, write a commit with fast-import, push, read the log.
// Nothing here touches the work tree, the index or HEAD.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { GitError, UserInputError } from '../core/errors.ts';
import { gitOutput } from '../core/git-read.ts';
import { redactCredentials, remoteWithoutCredentials } from '../core/git-credentials.ts';
import type { Signer } from './signing.ts';
import { treePathProblem } from '../core/tree-paths.ts';
import type { RenderCommit } from '../core/types.ts';
import { TRAILERS } from '../core/trailers.ts';


export interface Identity {
  readonly name: string;
  readonly email: string;
}

export interface SourceCommit {
  readonly sha: string;
  readonly subject: string;
  readonly author: string; // 'Name <email>'
}

/** A rendered commit as read back from git, with the commit date. */
export interface RenderLogEntry extends RenderCommit {
  readonly date: string; // ISO 8601, committer date
  readonly subject: string;
}

async function attempt<T>(what: string, run: () => Promise<T>, hint?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // No `cause`: the original error's text may hold a URL with credentials.
    throw new GitError(redactCredentials(`${what}: ${(error as Error).message.trim()}`), { hint });
  }
}

interface RunResult { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs git with the whole environment, where the exit code is the answer (is-ancestor, push) or stdin carries data. */
function run(dir: string, args: readonly string[], input?: Buffer, env?: Readonly<Record<string, string>>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: dir, env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (stdout += c));
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {}); // git may exit before reading everything; the exit code says why
    child.stdin.end(input);
  });
}

/**
 * Runs a git command that talks to a remote, with the whole environment: credentials come from git's
 * config (credential helpers, http.extraHeader), GIT_CONFIG_*, GIT_ASKPASS or ssh-agent/GIT_SSH_COMMAND.
 */
async function network(dir: string, args: readonly string[], what: string, hint: string, env?: Readonly<Record<string, string>>): Promise<string> {
  const result = await run(dir, args, undefined, env);
  if (result.code !== 0) throw new GitError(redactCredentials(`${what}: ${result.stderr.trim()}`), { hint });
  return result.stdout;
}

const REACH_HINT = "Check that the remote exists and that git can reach it with the credentials in its config or environment.";

/** HEAD of the checkout, or a GitError when there is no commit yet. */
export function readHead(dir: string): Promise<SourceCommit> {
  return attempt('reading HEAD', async () => {
    const [sha, subject, author] = (await gitOutput(dir, ['log', '-1', '--format=%H%x00%s%x00%an <%ae>', 'HEAD'])).trim().split('\0');
    return { sha, subject, author };
  }, 'Publish from a checkout with at least one commit.');
}

/** The branch HEAD is on, or undefined when detached. */
export async function currentBranch(dir: string): Promise<string | undefined> {
  const result = await run(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Changed, staged and untracked (not ignored) files: anything that could make synth differ from HEAD. */
export function dirtyPaths(dir: string): Promise<string[]> {
  return attempt('reading the work tree status', async () => statusPaths(await gitOutput(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all'])));
}

/** The paths of `git status --porcelain -z`: 'XY path', and after a rename or copy (in X or in Y) its old path as a record of its own. */
function statusPaths(out: string): string[] {
  const records = out.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (let i = 0; i < records.length; i++) {
    paths.push(records[i]!.slice(3));
    if (/^(?:[RC].|.[RC])/.test(records[i]!)) i++; // the old path
  }
  return paths;
}

export async function isShallow(dir: string): Promise<boolean> {
  return (await gitOutput(dir, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}

/** The commit the remote's branch points at, or undefined when the branch does not exist there. */
export async function remoteBranchHead(dir: string, remote: string, branch: string): Promise<string | undefined> {
  const transport = remoteWithoutCredentials(remote); // a token in the URL goes through git's environment, never its command line
  const line = (await network(dir, ['ls-remote', transport.url, `refs/heads/${branch}`], `reading branch '${branch}' of remote '${remote}'`, REACH_HINT, transport.env)).trim();
  return line ? line.split(/\s/)[0] : undefined;
}

/** Where we keep the remote's rendered branch locally: the remote-tracking ref for a named remote. */
export function trackingRef(remote: string, branch: string): string {
  return /^[\w.-]+$/.test(remote) ? `refs/remotes/${remote}/${branch}` : `refs/gitops/fetched/${branch}`;
}

/** Fetches the remote's branch into its tracking ref (git only transfers what is missing). */
export async function fetchBranch(dir: string, remote: string, branch: string): Promise<string> {
  const ref = trackingRef(remote, branch);
  const transport = remoteWithoutCredentials(remote);
  await network(dir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', transport.url, `+refs/heads/${branch}:${ref}`], `fetching branch '${branch}' from remote '${remote}'`, REACH_HINT, transport.env);
  return ref;
}

/** Every file of a commit as path -> blob id, from one `ls-tree`; other than a regular file, as '<mode> <id>' (never equal to a blob id). */
export function listTree(dir: string, commit: string): Promise<Map<string, string>> {
  return attempt(`listing the files of ${commit}`, async () => {
    const listing = await gitOutput(dir, ['ls-tree', '-r', '-z', '--full-tree', commit]);
    return new Map(listing.split('\0').filter(Boolean).map((line) => {
      const tab = line.indexOf('\t');
      const [mode, , id] = line.slice(0, tab).split(' ');
      return [line.slice(tab + 1), mode === '100644' ? id! : `${mode} ${id}`];
    }));
  });
}

/** A function giving the blob id git would store for a content, in the repo's object format. */
export async function blobHasher(dir: string): Promise<(content: string) => string> {
  const format = (await gitOutput(dir, ['rev-parse', '--show-object-format'])).trim(); // 'sha1' or 'sha256'
  return (content) => {
    const bytes = Buffer.from(content, 'utf8');
    return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  };
}

export interface CommitRequest {
  /** path -> content: the whole tree of the new commit. */
  readonly files: ReadonlyMap<string, string>;
  readonly parent?: string;
  readonly message: string;
  readonly identity: Identity;
  /** Sign the commit with this key. @default unsigned */
  readonly signer?: Signer;
  /**
   * The parent's files as listTree gives them, and the blob id of each of `files`: then only what differs from the
   * parent is written (fast-import rewrites only the trees above a change). @default the whole tree is written
   */
  readonly changesFrom?: { readonly parentFiles: ReadonlyMap<string, string>; readonly blobIds: ReadonlyMap<string, string> };
}

/**
 * Writes the blobs, trees and commit in one `git fast-import` run (one pack, objects already in a
 * pack are skipped), under a scratch ref that is removed afterwards. Returns the commit id.
 */
export async function writeCommit(dir: string, request: CommitRequest): Promise<string> {
  refuseUnsafePaths(request.files.keys());
  const ref = `refs/gitops/publish-${process.pid}-${Date.now()}`;
  const seconds = Math.floor(Date.now() / 1000);
  const person = `${request.identity.name} <${request.identity.email}> ${seconds} +0000`;
  const chunks: Buffer[] = [];
  const data = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    chunks.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'));
  };
  chunks.push(Buffer.from(`reset ${ref}\ncommit ${ref}\nauthor ${person}\ncommitter ${person}\n`));
  data(request.message);
  const { parent, changesFrom } = request;
  if (parent) chunks.push(Buffer.from(`from ${parent}\n`));
  const incremental = parent !== undefined && changesFrom !== undefined;
  // Either the parent's files that differ are replaced and those it alone has deleted, or (deleteall) the tree is exactly `files`.
  if (incremental) {
    for (const path of changesFrom.parentFiles.keys()) if (!request.files.has(path)) chunks.push(Buffer.from(`D ${quotePath(path)}\n`));
  } else {
    chunks.push(Buffer.from('deleteall\n'));
  }
  for (const [path, content] of request.files) {
    if (incremental && changesFrom.parentFiles.get(path) === changesFrom.blobIds.get(path)) continue; // the same regular file
    chunks.push(Buffer.from(`M 100644 inline ${quotePath(path)}\n`));
    data(content);
  }
  chunks.push(Buffer.from('done\n'));
  // The objects stay one pack even when few (git would write each as a file below 100): one file, not a hundred.
  const result = await run(dir, ['-c', 'fastimport.unpackLimit=1', 'fast-import', '--quiet', '--force', '--done'], Buffer.concat(chunks));
  if (result.code !== 0) throw new GitError(`writing the rendered commit: ${result.stderr.trim()}`, { commit: request.parent });
  const sha = (await gitOutput(dir, ['rev-parse', ref])).trim();
  await gitOutput(dir, ['update-ref', '-d', ref]);
  return request.signer ? signedCommit(dir, sha, request, request.signer, seconds) : sha;
}

/** The same commit (tree, parent, message, people, time), signed by `git commit-tree -S` with the signer's key. */
async function signedCommit(dir: string, unsigned: string, request: CommitRequest, signer: Signer, seconds: number): Promise<string> {
  const { name, email } = request.identity;
  const date = `@${seconds} +0000`;
  const people = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date };
  const args = [...signer.config, 'commit-tree', '-S', ...(request.parent ? ['-p', request.parent] : []), `${unsigned}^{tree}`];
  const result = await run(dir, args, Buffer.from(request.message, 'utf8'), { ...signer.env, ...people });
  if (result.code !== 0) {
    throw new GitError(`signing the rendered commit (${signer.format}): ${result.stderr.trim()}; nothing was pushed`, {
      commit: request.parent, hint: signer.format === 'ssh' ? 'Check that ssh-keygen is installed (Debian: openssh-client) and that the key has no passphrase.' : 'Check that gpg is installed (Debian: gnupg) and that the key has no passphrase.',
    });
  }
  return result.stdout.trim();
}

/** A tree entry '..', '.git' or '' would make git write outside the folder (or into .git) on checkout. */
function refuseUnsafePaths(paths: Iterable<string>): void {
  for (const path of paths) {
    const problem = treePathProblem(path);
    if (problem) {
      throw new UserInputError(`refusing to write the rendered commit: the path ${JSON.stringify(path)} is not a plain relative path: ${problem}; nothing was written`, {
        hint: 'Rendered paths come from kinds, names and namespaces: fix the object in its app.',
      });
    }
  }
}

/** A path as fast-import reads it, C-quoted: a newline or quote in a name cannot end the command early. */
function quotePath(path: string): string {
  const escaped = path.replace(/[\\"]/g, '\\$&').replace(/[\x00-\x1f\x7f]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return `"${escaped}"`;
}

export type PushOutcome = { readonly pushed: true } | { readonly pushed: false; readonly output: string };

/** Pushes `commit` to the remote's branch as a fast-forward; when it is not taken, git's (redacted) output. */
export async function pushCommit(dir: string, remote: string, commit: string, branch: string): Promise<PushOutcome> {
  // --no-verify: the project's pre-push hooks (lint, tests) are for source commits, not rendered ones.
  const transport = remoteWithoutCredentials(remote);
  const result = await run(dir, ['push', '--porcelain', '--quiet', '--no-verify', transport.url, `${commit}:refs/heads/${branch}`], undefined, transport.env);
  return result.code === 0 ? { pushed: true } : { pushed: false, output: redactCredentials(`${result.stderr}\n${result.stdout}`.trim()) };
}

const FIELD = '%x1f';
const LOG_FORMAT = ['%H', '%cI', '%s', '%B', `%(trailers:key=${TRAILERS.sourceCommit},valueonly)`, `%(trailers:key=${TRAILERS.sourceBranch},valueonly)`].join(FIELD);

/** Rendered commits reachable from `ref`, newest first; with `paths`, only those that changed them. */
export function readRenderLog(dir: string, ref: string, options: { readonly paths?: readonly string[]; readonly max?: number } = {}): Promise<RenderLogEntry[]> {
  return attempt(`reading the history of ${ref}`, async () => {
    const args = ['log', `--format=${LOG_FORMAT}%x1e`, ...(options.max ? [`--max-count=${options.max}`] : []), ref, '--', ...(options.paths ?? [])];
    const out = await gitOutput(dir, args);
    return out.split('\x1e').map((r) => r.replace(/^\n/, '')).filter(Boolean).map((record) => {
      const [sha, date, subject, message, sourceCommit, sourceBranch] = record.split('\x1f');
      return { sha, date, subject, message: message.trim(), sourceCommit: sourceCommit.trim(), sourceBranch: sourceBranch.trim() };
    });
  });
}
