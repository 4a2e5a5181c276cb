// Builds command-line tools from their Go modules into the user's cache (~/.cache/typed-gitops): `go` commands with a
// log and progress lines, one build per cache folder at a time under a lock file, and `go install` of a pinned tool.
// Used by the test control plane's build and by the compiler (helm, when it is not on PATH).
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** ~/.cache/typed-gitops (or under $XDG_CACHE_HOME): built tools, the control plane, fetched charts. */
export function typedGitopsCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'typed-gitops');
}

/** A `go` build step failed; its full output stays in `logFile`. */
export class GoBuildError extends Error {
  constructor(readonly step: string, readonly logFile: string, readonly logTail: string) {
    super(`go build step "${step}" failed\n  what to do: read the log and rerun after fixing\n  log: ${logFile}\n  last lines:\n${logTail.replace(/^/gm, '    ')}`);
    this.name = 'GoBuildError';
  }
}

export function logTail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const lockPollMs = 2_000;

/** Runs `fn` holding the lock file; a lock whose owner died is taken over. */
export async function withBuildLock<T>(lockFile: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (!processAlive(owner)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) log(`another build (pid ${owner}) is running; waiting for it`);
      announced = true;
      await sleep(lockPollMs);
    }
  }
  try {
    return await fn();
  } finally {
    if (existsSync(lockFile) && readFileSync(lockFile, 'utf8') === String(process.pid)) rmSync(lockFile);
  }
}

/** Whether process `pid` is still running (signal 0 checks without sending one). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface GoCommand {
  readonly step: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly env?: Readonly<Record<string, string>>;
}

const progressEveryMs = 30_000;

/** Environment for every go call: no cgo, never switch toolchains, no workspace or vendor surprises. */
function goEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '-buildvcs=false', ...extra };
}

/** Resolves with the elapsed milliseconds; rejects with a GoBuildError naming the step. */
export async function runGo(cmd: GoCommand, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  appendFileSync(cmd.logFile, `\n$ go ${cmd.args.join(' ')}\n`);
  const fd = openSync(cmd.logFile, 'a');
  log(`${cmd.step} ...`);
  const ticker = setInterval(() => log(`${cmd.step} ... ${formatElapsed(Date.now() - started)}`), progressEveryMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('go', cmd.args, { cwd: cmd.cwd, env: goEnv(cmd.env), stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new GoBuildError(cmd.step, cmd.logFile, logTail(cmd.logFile));
  } finally {
    clearInterval(ticker);
    closeSync(fd);
  }
  const elapsed = Date.now() - started;
  log(`${cmd.step} done in ${formatElapsed(elapsed)}`);
  return elapsed;
}

/** Captures stdout of a quick go query (version, module download metadata). */
export async function goOutput(args: readonly string[], cwd: string, step: string, logFile: string): Promise<string> {
  const chunks: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('go', args, { cwd, env: goEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => appendFileSync(logFile, c));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new GoBuildError(step, logFile, logTail(logFile));
  return Buffer.concat(chunks).toString('utf8');
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export interface GoTool {
  /** The binary's name, e.g. 'actionlint'. */
  readonly name: string;
  /** The package to install, e.g. 'github.com/rhysd/actionlint/cmd/actionlint'. */
  readonly pkg: string;
  /** A pinned module version: a new one builds into a new folder. */
  readonly version: string;
}

/** Where a tool's binary is once built: ~/.cache/typed-gitops/<name>-<version>/bin/<name>. */
function goToolPaths(tool: GoTool): { readonly root: string; readonly binary: string; readonly done: string } {
  const root = join(typedGitopsCache(), `${tool.name}-${tool.version}`);
  // `built` is written last: an interrupted build is never taken for a finished one.
  return { root, binary: join(root, 'bin', tool.name), done: join(root, 'built') };
}

/** The tool's binary when this version is built already, else undefined. */
export function builtGoTool(tool: GoTool): string | undefined {
  const { binary, done } = goToolPaths(tool);
  return existsSync(done) && existsSync(binary) ? binary : undefined;
}

/** Path of the tool's binary, built first (`go install` with GOBIN in the cache) when this version is not there yet. */
export async function ensureGoTool(tool: GoTool, log: (line: string) => void = (l) => console.error(`[${tool.name}:build] ${l}`)): Promise<string> {
  const { root, binary, done } = goToolPaths(tool);
  if (builtGoTool(tool)) return binary;
  mkdirSync(join(root, 'bin'), { recursive: true });
  await withBuildLock(join(root, 'build.lock'), log, async () => {
    if (builtGoTool(tool)) return;
    const logFile = join(root, 'build.log');
    writeFileSync(logFile, '');
    const args = ['install', '-trimpath', '-ldflags=-s -w', `${tool.pkg}@${tool.version}`];
    await runGo({ step: `go install ${tool.name} ${tool.version}`, args, cwd: root, logFile, env: { GOBIN: join(root, 'bin') } }, log);
    writeFileSync(done, `${tool.version}\n`);
  });
  return binary;
}
