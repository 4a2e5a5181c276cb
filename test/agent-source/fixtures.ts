// Real-git fixtures for the agent's source tests: a bare remote with a rendered branch (and a main
// branch the agent must not fetch), commits with a Source-Commit trailer, and a git daemon on 127.0.0.1.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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
  /** Commits `files` (path -> content, null deletes) on the rendered branch and pushes it; returns the commit. */
  commit(files: Record<string, string | null>, sourceCommit?: string): string;
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
    commit(files, sourceCommit) {
      for (const [file, content] of Object.entries(files)) {
        if (content === null) { rmSync(join(work, file)); continue; }
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), content);
      }
      git(work, 'add', '-A');
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

export interface Daemon {
  url(repo: string): string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
}

/** A read-only git daemon serving the bare repositories under `baseDir` on 127.0.0.1. */
export async function startDaemon(baseDir: string): Promise<Daemon> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn('git', ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`, '--export-all', `--base-path=${baseDir}`, baseDir], { stdio: 'ignore' });
    child = started;
    for (let i = 0; !(await reachable(port)); i++) {
      if (i > 200 || started.exitCode !== null) throw new Error('git daemon did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => { running.once('exit', () => resolve()); running.kill(); });
  };
  await start();
  cleanups.push(() => child?.kill());
  return { url: (repo) => `git://127.0.0.1:${port}/${repo}`, stop, restart: start };
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.end(); resolve(true); }).on('error', () => resolve(false));
  });
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
