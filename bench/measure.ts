// Runs a command as a fresh process and measures its wall time (in Node), CPU time and peak RSS: from GNU time
// (%U %S %M) when /usr/bin/time is present, else from a preload that records them for every Node process in the tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.ts';

const GNU_TIME = '/usr/bin/time';
/** BENCH_NO_GNU_TIME=1 measures with the preload even where GNU time exists (to check the fallback). */
const useGnuTime = existsSync(GNU_TIME) && !process.env.BENCH_NO_GNU_TIME;
const RSS_PROBE = join(repoRoot, 'bench', 'rss-probe.cjs');

export interface Sample {
  readonly wallMs: number;
  /** User + system CPU time of the whole tree; less sensitive than wall time to other load on the machine. */
  readonly cpuMs: number;
  /** Peak resident set size of the largest process in the tree, in MB. */
  readonly rssMB: number;
}

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** How RSS is measured on this machine, for the report. */
export const rssMethod = useGnuTime
  ? 'GNU time %U+%S and %M (largest process in the tree)'
  : 'process.resourceUsage() of each Node process in the tree (native children such as tsc 7 not counted)';

export function measure(command: Command): Sample {
  return useGnuTime ? withGnuTime(command) : withRssProbe(command);
}

function withGnuTime({ cmd, args, cwd }: Command): Sample {
  const started = performance.now();
  const run = spawnSync(GNU_TIME, ['-f', '%U %S %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  check(run, cmd, args);
  const last = run.stderr.trim().split('\n').at(-1) ?? '';
  const [user, system, maxKB] = last.split(' ').map(Number);
  if (![user, system, maxKB].every(Number.isFinite)) throw new Error(`could not read GNU time output: ${last}`);
  return { wallMs, cpuMs: (user + system) * 1000, rssMB: maxKB / 1024 };
}

function withRssProbe({ cmd, args, cwd }: Command): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  try {
    const env = { ...process.env, BENCH_RSS_DIR: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require=${RSS_PROBE}`.trim() };
    const started = performance.now();
    const run = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const wallMs = performance.now() - started;
    check(run, cmd, args);
    const usage = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').split(' ').map(Number));
    const cpuMs = usage.reduce((sum, [cpuUs]) => sum + cpuUs / 1000, 0);
    return { wallMs, cpuMs, rssMB: Math.max(0, ...usage.map(([, maxKB]) => maxKB)) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function check(run: ReturnType<typeof spawnSync>, cmd: string, args: readonly string[]): void {
  if (run.status === 0) return;
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n').slice(-30).join('\n');
  throw new Error(`${cmd} ${args.join(' ')} failed (exit ${run.status ?? run.signal}):\n${output}`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of each figure over the samples. */
export function medianSample(samples: readonly Sample[]): Sample {
  return { wallMs: median(samples.map((x) => x.wallMs)), cpuMs: median(samples.map((x) => x.cpuMs)), rssMB: median(samples.map((x) => x.rssMB)) };
}
