// Runs synth jobs on worker threads and on the main thread together (on 2 quiet cores one worker and the
// main thread), and hands back each job's outcome in job order, so the merge does not depend on timing.
// A worker that stops while building an app (process.exit, out of memory) fails that app alone;
// one that cannot start leaves its jobs to the main thread.
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findPackageRoot } from '../core/bundle.ts';
import type { Diagnostic } from '../core/types.ts';
import { runSynthJob, type SynthJob, type SynthJobOutcome } from './synth-job.ts';
import { throwSite } from './throw-site.ts';

/** Fewer apps to run than this are built in the main thread: starting a worker costs more than they take (see README). */
const MIN_POOLED_APPS = 24;
// Each worker adds ~40 MB (N=500: 170 MB serial, 190 with one worker, 232 with two, 275 with three).
const MAX_HANDS = 4;
/** Each worker's heap: what an app may use before it fails (instead of the whole synth). */
const WORKER_HEAP_MB = 512;
// A small young generation: at N=500 the process peaked at 212 MB with V8's default, 190 MB with 8 MB, at no CPU cost.
const WORKER_LIMITS = { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 };
const AHEAD = 2; // jobs sent to a worker before it answers, so it never waits on a busy main thread

// Workers run TypeScript through the same esbuild runner as the CLI (bin/run-ts.js): Node 20 cannot load .ts.
const BOOT = "import(require('node:worker_threads').workerData.runTs).then((m) => m.runTs('compiler/synth-worker.ts'))";

/** The machine as the automatic count sees it: cores, and the 1-minute load average (0 where the OS has none). */
export interface Machine { readonly cores: number; readonly load: number }

/**
 * How many apps are built at once: `jobs` when given; else 1 for fewer than MIN_POOLED_APPS, and otherwise the
 * main thread plus a worker per core the load leaves free (as `make -j -l` does) beyond one, at most MAX_HANDS.
 * One free core is left to what runs beside the builds (esbuild, V8's collector threads, the writer of a new dist/):
 * on 2 quiet cores a worker made every-app synth at N=500 slower (1.67-1.80 s against 1.58-1.73 s) for 25 MB more.
 */
export function synthHands(apps: number, jobs?: number, machine: Machine = { cores: availableParallelism(), load: loadavg()[0] }): number {
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, apps));
  if (apps < MIN_POOLED_APPS) return 1;
  return Math.max(1, Math.min(apps, Math.round(machine.cores - machine.load) - 1, MAX_HANDS));
}

/**
 * Every job's outcome, in job order; `hands` - 1 workers and the main thread take jobs as they become free.
 * Workers run this same typed-gitops (`toolRoot`, found from this module), whichever one the project depends on.
 * `onOutcome` hears each outcome as soon as it is known (in any order).
 */
export async function runSynthJobs(jobs: readonly SynthJob[], hands: number, toolRoot?: string, onOutcome?: (outcome: SynthJobOutcome) => void): Promise<SynthJobOutcome[]> {
  const pool = new Pool(jobs, onOutcome);
  const runTs = () => pathToFileURL(join(toolRoot ?? findPackageRoot(dirname(fileURLToPath(import.meta.url))), 'bin', 'run-ts.js')).href;
  // A worker gets a copy of the values: only plain data is the same there (a class instance would lose its methods).
  const sendable = jobs.every((job) => job.envs.every((env) => isPlainData(env.values)));
  const workers = Array.from({ length: sendable ? Math.min(hands, jobs.length) - 1 : 0 }, () => pool.start(runTs()));
  try {
    pool.runMain();
    await pool.finished;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return pool.outcomes;
}

class Pool {
  readonly outcomes: SynthJobOutcome[] = [];
  readonly finished: Promise<void>;
  private next = 0;
  private settled = 0;
  private readonly returned: number[] = []; // jobs a worker gave back unrun
  private mainRunning = false;
  private done!: () => void;
  private fail!: (error: unknown) => void;

  constructor(private readonly jobs: readonly SynthJob[], private readonly onOutcome?: (outcome: SynthJobOutcome) => void) {
    this.finished = new Promise((resolve, reject) => { this.done = resolve; this.fail = reject; });
    if (jobs.length === 0) this.done();
  }

  /** Runs jobs in the main thread until none is left (again when a worker gives jobs back). */
  runMain(): void {
    if (this.mainRunning) return;
    this.mainRunning = true;
    void (async () => {
      try {
        for (let i = this.take(); i !== undefined; i = this.take()) this.settle(i, await runSynthJob(this.jobs[i]));
      } catch (error) {
        this.fail(error);
      }
      this.mainRunning = false; // at once after the last take(): a job given back later starts the loop again
    })();
  }

  start(runTs: string): Worker {
    const worker = new Worker(BOOT, { eval: true, workerData: { runTs }, resourceLimits: WORKER_LIMITS });
    const inFlight: number[] = []; // sent only once it is ready: one that cannot start has none
    let retired = false;
    const retire = (unrun: readonly number[]) => {
      retired = true;
      this.returned.push(...unrun);
      if (unrun.length > 0) this.runMain();
      void worker.terminate();
    };
    const feed = () => {
      while (inFlight.length < AHEAD) {
        const i = this.take();
        if (i === undefined) return;
        inFlight.push(i);
        worker.postMessage(this.jobs[i]);
      }
    };
    const stopped = (why: string, hint: string, error?: Error) => {
      if (retired) return;
      const [current, ...rest] = inFlight.splice(0);
      if (current !== undefined) this.settle(current, crashed(this.jobs[current], why, hint, error));
      retire(rest);
    };
    worker.on('message', (message: SynthJobOutcome | 'ready') => {
      if (retired) return;
      if (message !== 'ready') this.settle(inFlight.shift()!, message);
      feed();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        stopped(`it ran out of memory (a synth worker's heap is limited to ${WORKER_HEAP_MB} MB)`,
          'Find what grows without bound in the app; an app that needs more builds with --jobs 1 (the main thread has Node\'s own limit).');
      } else {
        stopped(`it threw outside build(): ${error.message}`,
          'A timer or promise started by app code (at the file named; on this worker, this app or one built before it) threw after build() returned: make build() do its work and return.', error);
      }
    });
    worker.on('messageerror', (error) => stopped(`its result could not be received: ${error.message}`, 'Report this as a bug in typed-gitops; build with --jobs 1 meanwhile.'));
    worker.on('exit', (code) => stopped(`process.exit(${code}) was called while it was being built`, 'Remove process.exit() from the app: an app builds its objects and returns.'));
    return worker;
  }

  private take(): number | undefined {
    return this.returned.shift() ?? (this.next < this.jobs.length ? this.next++ : undefined);
  }

  private settle(i: number, outcome: SynthJobOutcome): void {
    this.outcomes[i] = outcome;
    this.onOutcome?.(outcome);
    if (++this.settled === this.jobs.length) this.done();
  }
}

/** Primitives, arrays and plain objects only, without cycles: what a structured clone copies without changing. */
function isPlainData(value: unknown, within: ReadonlySet<object> = new Set()): boolean {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return true;
  if (typeof value !== 'object' || within.has(value)) return false;
  if (!Array.isArray(value) && ![Object.prototype, null].includes(Object.getPrototypeOf(value))) return false;
  const inner = new Set(within).add(value);
  return Object.values(value).every((v) => isPlainData(v, inner));
}

/** The error of the app a worker was building when it stopped; the file is where `error` was thrown, when in the project. */
function crashed(job: SynthJob, why: string, hint: string, error?: Error): SynthJobOutcome {
  const sourceFile = (error && throwSite(job.root, error)) ?? job.entry.sourceFile;
  const diagnostic: Diagnostic = { severity: 'error', rule: 'app-crashed', app: job.entry.name, sourceFile, message: `the synth worker building the app stopped: ${why}`, hint };
  return { kind: 'failed', diagnostic };
}
