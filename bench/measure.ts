// Runs a command as a fresh process and measures its wall time (in Node) and peak RSS: from GNU time's %M
// when /usr/bin/time is present, else from a preload that records the maxRSS of every Node process in the tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.ts';

const GNU_TIME = '/usr/bin/time';
const RSS_PROBE = join(repoRoot, 'bench', 'rss-probe.js');

export interface Sample {
  readonly wallMs: number;
  /** Peak resident set size of the largest process in the tree, in MB. */
  readonly rssMB: number;
}

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** How RSS is measured on this machine, for the report. */
export const rssMethod = existsSync(GNU_TIME)
  ? 'GNU time %M (largest process in the tree)'
  : 'process.resourceUsage().maxRSS of each Node process in the tree (native children such as tsc 7 not counted)';

export function measure(command: Command): Sample {
  return existsSync(GNU_TIME) ? withGnuTime(command) : withRssProbe(command);
}

function withGnuTime({ cmd, args, cwd }: Command): Sample {
  const started = performance.now();
  const run = spawnSync(GNU_TIME, ['-f', '%e %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  check(run, cmd, args);
  const last = run.stderr.trim().split('\n').at(-1) ?? '';
  const [, maxKB] = last.split(' ').map(Number);
  if (!Number.isFinite(maxKB)) throw new Error(`could not read GNU time output: ${last}`);
  return { wallMs, rssMB: maxKB / 1024 };
}

function withRssProbe({ cmd, args, cwd }: Command): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  try {
    const env = { ...process.env, BENCH_RSS_DIR: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${RSS_PROBE}`.trim() };
    const started = performance.now();
    const run = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const wallMs = performance.now() - started;
    check(run, cmd, args);
    const maxKB = Math.max(0, ...readdirSync(dir).map((f) => Number(readFileSync(join(dir, f), 'utf8'))));
    return { wallMs, rssMB: maxKB / 1024 };
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
