// Real-git fixtures for the agent's source tests: a bare remote with a rendered branch (and a main
// branch the agent must not fetch), commits with a Source-Commit trailer, and a git daemon on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { startGitDaemon, type GitDaemon } from '../helpers/git-daemon.ts';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../agent/log.ts';

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const cleanups: (() => void)[] = [];
/** Removes every folder and stops every daemon made so far (call in afterAll). */
export function cleanUp() {
  for (const clean of cleanups.splice(0).reverse()) clean();
}

export function tempDir(prefix = 'agent-source-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RenderedRemote {
  /** Folder holding `remote.git`, for a daemon's base path. */
  readonly baseDir: string;
  /** Local path of the bare remote. */
  readonly path: string;
  /**
   * Commits `files` (path -> content, null deletes) on the rendered branch and pushes it; returns the commit.
   * `stage` runs git in the work tree after the files are added, for entries no file can make (gitlinks, big blobs).
   */
  commit(files: Record<string, string | Uint8Array | null>, sourceCommit?: string, stage?: (git: (...args: string[]) => string) => void): string;
  /** A commit on main (the source branch), which the agent must never fetch. */
  commitMain(): string;
}

export function renderedRemote(branch = 'rendered'): RenderedRemote {
  const baseDir = tempDir();
  const path = join(baseDir, 'remote.git');
  const work = join(baseDir, 'work');
  git(baseDir, 'init', '--quiet', '--bare', path);
  git(baseDir, 'init', '--quiet', '--initial-branch=main', work);
  git(work, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`);
  for (const [k, v] of [['user.name', 'Pub Lisher'], ['user.email', 'publish@example.com'], ['commit.gpgsign', 'false']]) git(work, 'config', k, v);
  let n = 0;
  return {
    baseDir,
    path,
    commit(files, sourceCommit, stage) {
      for (const [file, content] of Object.entries(files)) {
        if (content === null) { rmSync(join(work, file)); continue; }
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), content);
      }
      git(work, 'add', '-A');
      stage?.((...args) => git(work, ...args));
      const message = `render ${++n}${sourceCommit ? `\n\nSource-Commit: ${sourceCommit}\nSource-Branch: main` : ''}`;
      git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      git(work, 'push', '--quiet', '--force', path, `HEAD:refs/heads/${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    commitMain() {
      // A commit of the empty tree that only main reaches.
      const sha = git(work, 'commit-tree', '-m', `source ${++n}`, git(work, 'hash-object', '-t', 'tree', '-w', '/dev/null'));
      git(work, 'push', '--quiet', '--force', path, `${sha}:refs/heads/main`);
      return sha;
    },
  };
}

/** A read-only git daemon serving the bare repositories under `baseDir` on 127.0.0.1, stopped at clean-up. */
export async function startDaemon(baseDir: string): Promise<GitDaemon> {
  const daemon = await startGitDaemon(baseDir);
  cleanups.push(() => void daemon.stop()); // kills at once; the exit is not awaited
  return daemon;
}

/** A logger that keeps its JSON lines in memory, for tests that look at what was logged. */
export function memoryLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return {
    log: createLogger({ level: 'debug', destination }),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Stages a blob of `bytes` zero bytes at `path` without holding it in memory (a sparse file, hashed, then removed). */
export function stageLargeBlob(git: (...args: string[]) => string, path: string, bytes: number): void {
  const file = join(tempDir('large-blob-'), 'blob');
  execFileSync('truncate', ['-s', String(bytes), file]);
  const sha = git('hash-object', '-w', file);
  rmSync(file);
  git('update-index', '--add', '--cacheinfo', `100644,${sha},${path}`);
}

/** Stages a submodule entry (gitlink) at `path`, pointing at a commit the repository does not have. */
export function stageGitlink(git: (...args: string[]) => string, path: string): void {
  git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},${path}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a synchronous check every 5 ms until it holds, or fails after `timeout` ms naming `what`. */
export async function until(check: () => boolean, what: string, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
