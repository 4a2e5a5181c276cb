// Runs one `go` command for the build, appending its output to a log file and
// printing a progress line (step name, elapsed time) while it runs.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { BuildError } from './errors.js';
import { logTail } from './log-tail.js';

export interface GoCommand {
  readonly step: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly env?: Readonly<Record<string, string>>;
}

const progressEveryMs = 30_000;

/** Environment for every go call: no cgo, never switch toolchains, no workspace or vendor surprises. */
export function goEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '-buildvcs=false', ...extra };
}

/** Resolves with the elapsed milliseconds; rejects with a BuildError naming the step. */
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
    if (code !== 0) throw new BuildError(cmd.step, cmd.logFile, logTail(cmd.logFile));
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
  if (code !== 0) throw new BuildError(step, logFile, logTail(logFile));
  return Buffer.concat(chunks).toString('utf8');
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
