// Processes of the agent benchmark: a command timed with GNU time (wall time, peak RSS and its stdout),
// `gitops agent --once`, and a long-running `gitops agent` child driven through its webhook and /status.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredResult } from '../agent/status.ts';
import { BRANCH, ENV } from './agent-fixture.ts';
import { repoRoot } from './repo-root.ts';

const GNU_TIME = '/usr/bin/time';
const GITOPS = join(repoRoot, 'bin', 'gitops.js');
/** Node's flags from `npm run agent` (package.json), so the agent is measured as it is run. */
const AGENT_NODE_FLAGS = agentNodeFlags();
export const AGENT_NAMESPACE = 'typed-gitops';

export interface TimedRun {
  readonly wallMs: number;
  /** Peak RSS in MB (GNU time %M); NaN without /usr/bin/time. */
  readonly rssMB: number;
  readonly stdout: string;
}

/** Runs a command to completion; fails on a non-zero exit. With timeoutMs, a command still running then is killed and marked timedOut. */
export async function timedRun(cmd: string, args: readonly string[], cwd: string, timeoutMs?: number): Promise<TimedRun & { timedOut?: boolean }> {
  const gnu = existsSync(GNU_TIME);
  const [file, argv] = gnu ? [GNU_TIME, ['-f', '%e %M', cmd, ...args]] : [cmd, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: timeoutMs !== undefined }); // own group: time and its child go together
  let stdout = '', stderr = '', timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => { timedOut = true; process.kill(-child.pid!, 'SIGKILL'); }, timeoutMs);
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  if (timedOut) return { wallMs, rssMB: NaN, stdout, timedOut };
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${`${stdout}${stderr}`.split('\n').slice(-30).join('\n')}`);
  const maxKB = gnu ? Number(stderr.trim().split('\n').at(-1)?.split(' ')[1]) : NaN;
  return { wallMs, rssMB: maxKB / 1024, stdout };
}

export interface AgentArgs {
  readonly bare: string;
  readonly kubeconfig: string;
  readonly cacheDir: string;
  /** e.g. '0s'; the agent's default (30s) when absent. */
  readonly healthTimeout?: string;
}

function agentArgs(a: AgentArgs): string[] {
  return [...AGENT_NODE_FLAGS, GITOPS, 'agent', '--repo', a.bare, '--branch', BRANCH, '--env', ENV, '--kubeconfig', a.kubeconfig, '--namespace', AGENT_NAMESPACE,
    '--cache-dir', a.cacheDir, ...(a.healthTimeout ? ['--health-timeout', a.healthTimeout] : [])];
}

/** `gitops agent --once`, timed; its logged result (compacted: changes listed up to a limit, all counted) comes back too. */
export async function agentOnce(a: AgentArgs, cwd: string): Promise<TimedRun & { result: StoredResult }> {
  const run = await timedRun(process.execPath, [...agentArgs(a), '--once'], cwd);
  const line = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result?: StoredResult }).find((l) => l.result);
  if (!line?.result) throw new Error(`gitops agent --once logged no result:\n${run.stdout.slice(-2000)}`);
  return { ...run, result: line.result };
}

export interface AgentProcess {
  readonly pid: number;
  /** The last finished StoredResult (GET /status); undefined before the first. */
  status(): Promise<StoredResult | undefined>;
  /** POST /hooks/git */
  trigger(): Promise<void>;
  /** Waits until the last finished reconcile is one that `wanted` accepts; returns it. */
  finished(wanted: (result: StoredResult) => boolean, timeoutMs: number): Promise<StoredResult>;
  /** VmHWM and VmRSS of the process, in MB. */
  memory(): { peakMB: number; currentMB: number };
  stop(): Promise<void>;
}

/** Starts the long-running agent (leader election on, as deployed) and waits for its first reconcile. */
export async function startAgentProcess(a: AgentArgs & { interval: string; port: number; logFile: string; cwd: string }): Promise<AgentProcess> {
  const url = `http://127.0.0.1:${a.port}`;
  const child = spawn(process.execPath, [...agentArgs(a), '--interval', a.interval, '--listen', `127.0.0.1:${a.port}`], { cwd: a.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(a.logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve())); // exited, output flushed
  const status = async () => {
    const res = await fetch(`${url}/status`).catch(() => undefined);
    return res?.status === 200 ? (await res.json()) as StoredResult : undefined;
  };
  const finished = async (wanted: (result: StoredResult) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}); see ${a.logFile}`);
      const last = await status();
      if (last && wanted(last)) return last;
      if (Date.now() > deadline) throw new Error(`no reconcile finished within ${timeoutMs / 1000} s; see ${a.logFile}`);
      await sleep(250);
    }
  };
  const agent: AgentProcess = {
    pid: child.pid!,
    status,
    async trigger() {
      const res = await fetch(`${url}/hooks/git`, { method: 'POST' });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    },
    finished,
    memory: () => memoryOf(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await closed;
      log.end();
    },
  };
  await finished(() => true, 180_000);
  return agent;
}

export function memoryOf(pid: number): { peakMB: number; currentMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { peakMB: kb('VmHWM') / 1024, currentMB: kb('VmRSS') / 1024 };
}

export function agentNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.agent ?? '';
  const words = script.split(/\s+/);
  if (words[0] !== 'node' || !words.includes('bin/gitops.js')) throw new Error(`package.json's "agent" script is not "node [flags] bin/gitops.js agent": ${script}`);
  return words.slice(1, words.indexOf('bin/gitops.js'));
}
