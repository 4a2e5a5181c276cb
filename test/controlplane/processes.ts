// Starts control-plane components as detached processes (they outlive the CLI
// that started them) with output in a log file, and stops them again by pid,
// from this process or a later one.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly binary: string;
  readonly logFile: string;
}

export interface StartedProcess extends RunningProcess {
  /** Exit code or signal once the process has ended, while this process still watches it. */
  exited(): string | undefined;
}

export function startDetached(name: string, binary: string, args: readonly string[], logFile: string, cwd: string): StartedProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${binary}`);
    let exit: string | undefined;
    child.on('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
    child.on('error', (err) => (exit = err.message));
    child.unref();
    return { name, pid: child.pid, binary, logFile, exited: () => exit };
  } finally {
    closeSync(fd);
  }
}

/** True while the pid still runs the binary we started (guards against pid reuse). */
export function isRunning(p: RunningProcess): boolean {
  const cmdline = `/proc/${p.pid}/cmdline`;
  if (!existsSync(cmdline)) return false;
  try {
    const argv0 = readFileSync(cmdline, 'utf8').split('\0')[0];
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    // A zombie ('Z') has exited and only waits to be reaped.
    return argv0 === p.binary && !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/**
 * SIGTERM to each process group, SIGKILL after the grace period; resolves when all are gone.
 * The grace is short on purpose: clients quit in milliseconds, while kube-apiserver and etcd
 * drain for many seconds to protect state that is deleted right after anyway.
 */
export async function stopAll(processes: readonly RunningProcess[], graceMs = 1_000): Promise<void> {
  const alive = processes.filter(isRunning);
  // A paused (SIGSTOPped) component would not act on SIGTERM until the grace ran out.
  for (const p of alive) signalGroup(p.pid, 'SIGCONT');
  for (const p of alive) signalGroup(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.some(isRunning) && Date.now() < deadline) await sleep(50);
  for (const p of alive.filter(isRunning)) signalGroup(p.pid, 'SIGKILL');
  while (alive.some(isRunning)) await sleep(50);
}

/** SIGKILL to the process group; resolves when it is gone. */
export async function killNow(p: RunningProcess): Promise<void> {
  signalGroup(p.pid, 'SIGKILL');
  while (isRunning(p)) await sleep(20);
}

/** A signal to the process group of a running component (SIGSTOP, SIGCONT, …); a process gone already is left alone. */
export function signalProcess(p: RunningProcess, signal: NodeJS.Signals): void {
  if (isRunning(p)) signalGroup(p.pid, signal);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Detached children lead their own process group; the negative pid reaches helpers they forked.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
