// Reads from git without touching the work tree: resolving refs, listing a tree exactly (`ls-tree -z -l`)
// and reading its blobs (`cat-file --batch`). A tree is untrusted input: every answer git gives is checked
// against what was asked, sizes are known before any content is read, and every git has a time limit.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { GitError, UserInputError } from './errors.ts';

/** The commit a ref points at, or undefined when the ref does not exist. */
export async function resolveRef(repoDir: string, ref: string): Promise<string | undefined> {
  const { code, stdout } = await runGitText(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { local: true });
  return code === 0 ? stdout.trim() || undefined : undefined;
}

/** git's output for a read of the repository in `dir` (local: see GitRunOptions); a failing git throws with its message. */
export async function gitOutput(dir: string, args: readonly string[]): Promise<string> {
  const { code, stdout, stderr } = await runGitText(dir, args, { local: true });
  if (code !== 0) throw new Error(stderr.trim() || `git ${args[0]} exited with ${code}`);
  return stdout;
}

/** One entry of `git ls-tree -r -l`. */
export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly sha: string;
  /** Bytes of a blob; undefined for a gitlink (`-`). */
  readonly size: number | undefined;
  readonly path: string;
}

export interface GitReadOptions {
  /** Longest one git command may run, in ms. @default 120_000 */
  readonly timeoutMs?: number;
}

export interface ListTreeOptions extends GitReadOptions {
  /** Only entries under this folder ('dev/'). @default the whole tree */
  readonly prefix?: string;
  /** Stop listing after this many entries (the result then holds maxEntries + 1). @default no limit */
  readonly maxEntries?: number;
}

const REGULAR_MODES = new Set(['100644', '100755']);
/** Longest entry of a listing we accept: a path longer than Linux's PATH_MAX could not be a checked-out file. */
const MAX_ENTRY_BYTES = 4096 + 128;
const utf8 = new TextDecoder('utf-8', { fatal: true }); // keeps ignoreBOM false: a leading UTF-8 BOM is dropped, as kubectl does

/** Every file of `ref` (under `prefix`, if given) as path -> content; only regular files, read in one `git cat-file --batch`. */
export async function readTree(repoDir: string, ref: string, prefix = ''): Promise<Map<string, string>> {
  const entries = regularFilesOnly(await listTree(repoDir, ref, { prefix }), ref);
  const texts = await readBlobs(repoDir, ref, entries);
  return new Map(entries.map((entry, i) => [entry.path, texts[i]!]));
}

/** The entries of `ref`, parsed from `ls-tree -r -z -l` exactly: one TAB after the metadata, a NUL after each path. */
export async function listTree(repoDir: string, ref: string, options: ListTreeOptions = {}): Promise<TreeEntry[]> {
  const args = ['--literal-pathspecs', 'ls-tree', '-r', '-z', '-l', '--full-tree', ref, ...(options.prefix ? ['--', options.prefix] : [])];
  const entries: TreeEntry[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let stopped = false;
  const result = await runGitProcess(repoDir, args, {
    ...options,
    onStdout(chunk, stop) {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (let end = pending.indexOf(0); end >= 0; end = pending.indexOf(0, start)) {
        entries.push(parseEntry(pending.subarray(start, end), ref));
        start = end + 1;
        if (options.maxEntries !== undefined && entries.length > options.maxEntries) { stopped = true; stop(); return; }
      }
      pending = pending.subarray(start);
      if (pending.length > MAX_ENTRY_BYTES) throw refused(ref, `${pending.subarray(0, 80).toString('latin1')}…`, `an entry of the tree is longer than ${MAX_ENTRY_BYTES} bytes`, 'Shorten the path.');
    },
  });
  if (result.code !== 0) throw new Error(`git ls-tree ${ref} failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  if (!stopped && pending.length > 0) throw new Error(`git ls-tree ${ref} ended in the middle of an entry`);
  return entries;
}

/** `<mode> SP <type> SP <sha> SP+<size> TAB <path>`; only the first TAB separates, the path may hold anything but NUL. */
function parseEntry(record: Buffer, ref: string): TreeEntry {
  const tab = record.indexOf(9);
  const meta = /^(\d{6}) ([a-z]+) ([0-9a-f]{40,64}) +(\d+|-)$/.exec(record.subarray(0, Math.max(tab, 0)).toString('latin1'));
  if (tab < 0 || !meta) throw new Error(`git ls-tree of ${ref} gave an entry it should not: ${JSON.stringify(record.subarray(0, 120).toString('latin1'))}`);
  let path: string;
  try {
    path = utf8.decode(record.subarray(tab + 1));
  } catch {
    throw refused(ref, record.subarray(tab + 1).toString('latin1'), 'the file name is not valid UTF-8', 'Rename the file to a UTF-8 name and publish again.');
  }
  return { mode: meta[1]!, type: meta[2]!, sha: meta[3]!, size: meta[4] === '-' ? undefined : Number(meta[4]), path };
}

/** The entries when all are regular files; a gitlink (submodule), symlink or any other mode refuses the tree, naming the path. */
export function regularFilesOnly(entries: readonly TreeEntry[], ref: string): TreeEntry[] {
  for (const entry of entries) {
    if (REGULAR_MODES.has(entry.mode) && entry.type === 'blob') continue;
    const what = entry.mode === '160000' ? 'a submodule (gitlink)' : entry.mode === '120000' ? 'a symbolic link' : `not a regular file (mode ${entry.mode}, ${entry.type})`;
    throw refused(ref, entry.path, `${what}: the rendered branch may hold only regular files`, `Remove it from the branch (git rm --cached '${entry.path}') and publish again.`);
  }
  return [...entries];
}

/**
 * The contents of the given blobs, in order, from one `git cat-file --batch`, as UTF-8 text. Each answer must be
 * the blob asked for with the size the listing gave; anything else ("missing", another type, a short read, extra
 * output) fails at once, so memory never holds more than the blobs asked for.
 */
export async function readBlobs(repoDir: string, ref: string, entries: readonly TreeEntry[], options: GitReadOptions = {}): Promise<string[]> {
  if (entries.length === 0) return [];
  const texts: string[] = [];
  let header = '';
  let body: Buffer | undefined; // the blob being read, with its trailing LF
  let filled = 0;
  const startBlob = (line: string) => {
    const entry = entries[texts.length];
    if (!entry) throw new Error(`git cat-file answered more than the ${entries.length} blobs of ${ref} asked for: ${JSON.stringify(line.slice(0, 120))}`);
    if (line !== `${entry.sha} blob ${entry.size}`) throw new Error(`git cat-file answered ${JSON.stringify(line.slice(0, 120))} for ${entry.path} (${entry.sha} of ${ref}), expected a blob of ${entry.size} bytes`);
    body = Buffer.allocUnsafe(entry.size! + 1);
    filled = 0;
  };
  const endBlob = (blob: Buffer) => {
    const entry = entries[texts.length]!;
    if (blob[blob.length - 1] !== 10) throw new Error(`git cat-file gave more than ${entry.size} bytes for ${entry.path} of ${ref}`);
    try {
      texts.push(utf8.decode(blob.subarray(0, blob.length - 1)));
    } catch {
      throw refused(ref, entry.path, 'the file is not valid UTF-8 text', 'Save it as UTF-8 and publish again.');
    }
  };
  const result = await runGitProcess(repoDir, ['cat-file', '--batch', '--buffer'], {
    ...options,
    input: `${entries.map((e) => e.sha).join('\n')}\n`,
    onStdout(chunk) {
      for (let at = 0; at < chunk.length;) {
        if (!body) {
          const lf = chunk.indexOf(10, at);
          header += chunk.toString('latin1', at, lf < 0 ? chunk.length : lf);
          if (header.length > 200) throw new Error(`git cat-file gave an answer it should not for ${ref}: ${JSON.stringify(header.slice(0, 120))}`);
          if (lf < 0) return;
          at = lf + 1;
          startBlob(header);
          header = '';
          continue;
        }
        const n = chunk.copy(body, filled, at);
        filled += n;
        at += n;
        if (filled === body.length) {
          const blob = body;
          body = undefined;
          endBlob(blob);
        }
      }
    },
  });
  if (result.code !== 0) throw new Error(`git cat-file failed for ${ref}: ${result.stderr.trim() || `exit ${result.code}`}`);
  if (texts.length < entries.length) throw new Error(`git cat-file ended after ${texts.length} of ${entries.length} blobs of ${ref}`);
  return texts;
}

function refused(ref: string, path: string, what: string, hint: string): UserInputError {
  return new UserInputError(`${JSON.stringify(path)}: ${what}`, { commit: ref, hint });
}

export interface GitExit {
  /** Git's exit code; 1 when it was stopped by the time limit. */
  readonly code: number;
  readonly stderr: string;
}

export interface GitRunOptions extends GitReadOptions {
  /** Written to git's stdin, which is closed after it (and is never open without it). */
  readonly input?: string;
  /** Each chunk of stdout; `stop()` ends git early (with `error`: the run rejects with it). */
  readonly onStdout?: (chunk: Buffer, stop: (error?: Error) => void) => void;
  /** Variables added to git's environment (GNUPGHOME; credentials, which must not be on its command line). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A read of the repository in `dir` alone: git runs without the ambient GIT_* variables (a hook's GIT_DIR or
   * GIT_INDEX_FILE would point it elsewhere). @default false
   */
  readonly local?: boolean;
}

/** The environment without GIT_* variables, in any case. */
function withoutGitVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^git_/i.test(name)));
}

/**
 * Runs git in its own process group, without prompts, with stdin closed (or holding only `input`) and a time
 * limit after which git and the helpers it started (ssh, git-remote-http) are killed together: a remote that
 * accepts and never answers cannot hold us. Settles when git has exited and its stdout has ended; stderr is
 * not waited for, since a helper may hold it open after git is gone.
 */
export function runGitProcess(dir: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitExit> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: dir,
      detached: true, // a process group of its own, so a kill reaches the helpers git started
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...(options.local ? withoutGitVariables(process.env) : process.env), ...options.env, GIT_TERMINAL_PROMPT: '0' }, // nobody can type a password for an agent: fail instead of waiting
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    let stderr = '';
    let exitCode: number | undefined;
    let stdoutEnded = false;
    let settled = false;
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
    const settle = (outcome: Error | GitExit) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      live.delete(kill);
      // Stopped early, or something of git's still holds its stdout: the group is alive, so its id is still ours.
      if (exitCode === undefined || !stdoutEnded) kill();
      if (outcome instanceof Error) reject(outcome); else resolve(outcome);
    };
    const stop = (error?: Error) => settle(error ?? { code: 0, stderr });
    const timer = setTimeout(() => settle({ code: 1, stderr: `${stderr.trim()}\ngit ${args.find((a) => !a.startsWith('-'))} was stopped after ${timeoutMs} ms`.trim() }), timeoutMs);
    const exited = () => { if (exitCode !== undefined && stdoutEnded) settle({ code: exitCode, stderr }); };
    live.add(kill);
    child.on('error', settle);
    child.on('exit', (code) => { exitCode = code ?? 1; exited(); });
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        options.onStdout?.(chunk, stop);
      } catch (error) {
        stop(error as Error);
      }
    });
    child.stdout.on('end', () => { stdoutEnded = true; exited(); });
    child.stderr.on('data', (c: Buffer) => { if (stderr.length < 64 * 1024) stderr += c; });
    if (child.stdin) {
      child.stdin.on('error', () => { /* git stopped reading: its exit says why */ });
      child.stdin.end(options.input);
    }
  });
}

/** Kills of the git process groups still running: they are detached from us, so when we exit they go too. */
const live = new Set<() => void>();
process.once('exit', () => live.forEach((kill) => kill()));

/** runGitProcess with stdout collected as text, for commands whose answer is short. */
export async function runGitText(dir: string, args: readonly string[], options: Omit<GitRunOptions, 'onStdout'> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const chunks: Buffer[] = [];
  const { code, stderr } = await runGitProcess(dir, args, { ...options, onStdout: (chunk) => { chunks.push(chunk); } });
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr };
}

/** Whether `ancestor` is an ancestor of (or equal to) `commit`; undefined when `ancestor` is not in this clone. */
export async function isAncestor(dir: string, ancestor: string, commit: string, timeoutMs?: number): Promise<boolean | undefined> {
  const present = await runGitText(dir, ['cat-file', '-e', `${ancestor}^{commit}`], { timeoutMs });
  if (present.code !== 0) return undefined;
  // Exit 0: an ancestor (or the same commit); 1: not one; anything else is git failing.
  const result = await runGitText(dir, ['merge-base', '--is-ancestor', ancestor, commit], { timeoutMs });
  if (result.code > 1) throw new GitError(`comparing ${ancestor} with ${commit}: ${result.stderr.trim()}`, { commit });
  return result.code === 0;
}
