// Watch-mode latency: starts `gitops synth --watch` on our project, edits one app file, and times how long
// until that app's output file in dist/ holds the edit. Returns one figure per edit.
import { spawn } from 'node:child_process';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NAMESPACE, appSource, chartName } from './generate.ts';

export interface WatchOptions {
  readonly repoRoot: string;
  /** Our project folder. */
  readonly project: string;
  readonly edits: number;
  /** Pause after each edit, so the type-check that follows the write is done before the next edit. */
  readonly settleMs: number;
}

const ENV = 'bench';

export async function watchLatencies({ repoRoot, project, edits, settleMs }: WatchOptions): Promise<number[]> {
  const appFile = join(project, 'apps', `${chartName(0)}.ts`);
  const outDir = join(project, 'dist', ENV, chartName(0), NAMESPACE);
  const outFile = join(outDir, 'configmap-svc-0000.yaml');
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'gitops.js'), 'synth', '--watch', '--root', project], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  try {
    await waitFor(() => output.includes('synth ok'), 120_000, () => `watch never finished its first synth:\n${output}`, () => child.exitCode !== null);
    await sleep(settleMs);
    const latencies: number[] = [];
    for (let i = 1; i <= edits; i++) {
      const marker = `RELEASE: w${i}`;
      const updated = fileUpdated(outDir, outFile, marker);
      const started = performance.now();
      writeFileSync(appFile, appSource(0, `w${i}`));
      await updated;
      latencies.push(performance.now() - started);
      await sleep(settleMs);
    }
    return latencies;
  } finally {
    child.kill('SIGTERM');
    writeFileSync(appFile, appSource(0));
  }
}

/** Resolves when `file` (in `dir`) contains `marker`; inotify-driven, with a slow poll as a safety net. */
function fileUpdated(dir: string, file: string, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => { watcher.close(); clearInterval(poll); clearTimeout(timeout); resolve(); };
    const check = () => { try { if (readFileSync(file, 'utf8').includes(marker)) done(); } catch { /* being rewritten */ } };
    const watcher = watch(dir, check);
    const poll = setInterval(check, 250);
    const timeout = setTimeout(() => { watcher.close(); clearInterval(poll); reject(new Error(`${file} never got '${marker}'`)); }, 30_000);
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, message: () => string, failed: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (failed() || Date.now() > until) throw new Error(message());
    await sleep(20);
  }
}
