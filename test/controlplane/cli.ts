// `npm run cluster:build | cluster:up | cluster:down`: build the binaries, start a
// control plane that keeps running in the background, stop it again.
import { Command } from 'commander';
import { ensureBinaries, readManifest } from './build.js';
import { startControlPlane, stopControlPlane } from './control-plane.js';
import { ControlPlaneError } from './errors.js';
import { formatElapsed, GoBuildError } from '../../core/go-install.ts';
import { processMemory } from './memory.js';
import { isRunning } from './processes.js';
import { lastClusterDir, readState, unownedClusterDirs } from './state.js';

const say = (line: string) => console.log(line);

const program = new Command('cluster').description('Test control plane built from Go modules');

program
  .command('build')
  .description('build the binaries, or reuse them from the cache')
  .option('--force', 'rebuild even if cached')
  .action(async (opts: { force?: boolean }) => {
    const binaries = await ensureBinaries({ force: opts.force, log: (l) => say(`[cluster:build] ${l}`) });
    const manifest = readManifest(binaries.paths);
    say(`binaries in ${binaries.paths.bin}`);
    if (manifest) {
      for (const [step, ms] of Object.entries(manifest.stepsMs)) say(`  ${step}: ${formatElapsed(ms)}`);
      say(`  total (when built, ${manifest.builtAt}): ${formatElapsed(manifest.totalMs)}`);
    }
  });

program
  .command('up')
  .description('start a control plane in the background and write its kubeconfig')
  .action(async () => {
    const running = runningLastCluster();
    if (running) {
      throw new ControlPlaneError('state', `a control plane is already running in ${running}`, 'run `npm run cluster:down` first');
    }
    const cp = await startControlPlane({ recordAsLast: true, stopWithOwner: false, log: (l) => say(`[cluster:up] ${l}`) });
    say('');
    say(`API server:  ${cp.server}`);
    say(`kubeconfig:  ${cp.kubeconfigPath}`);
    say(`try:         kubectl --kubeconfig ${cp.kubeconfigPath} get nodes`);
    say(`or:          export KUBECONFIG=${cp.kubeconfigPath}`);
    say(`logs:        ${cp.stateDir}/logs/`);
    say('stop with:   npm run cluster:down');
  });

program
  .command('down')
  .description('stop the control plane `up` last started from this checkout (or the one in <stateDir>) and remove its folder')
  .argument('[stateDir]')
  .option('--all', 'stop every control plane whose starter has ended (from `up` or killed test runs); never one a running test run owns')
  .action(async (stateDir: string | undefined, opts: { all?: boolean }) => {
    const last = stateDir ?? lastClusterDir();
    const dirs = opts.all ? unownedClusterDirs() : last ? [last] : [];
    if (dirs.length === 0) return say('no control plane found; nothing to stop');
    for (const dir of dirs) {
      await stopControlPlane(dir);
      say(`stopped and removed ${dir}`);
    }
  });

program
  .command('memory')
  .description('print RSS and peak RSS (VmHWM) of the control plane `up` last started from this checkout')
  .action(() => {
    const dir = runningLastCluster();
    if (!dir) return say('no running control plane recorded');
    const rows = processMemory(readState(dir).processes);
    for (const r of rows) say(`${r.name.padEnd(24)} rss ${String(r.rssMiB).padStart(5)} MiB  peak ${String(r.peakMiB).padStart(5)} MiB`);
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
    say(`${'total'.padEnd(24)} rss ${String(sum((r) => r.rssMiB)).padStart(5)} MiB  peak ${String(sum((r) => r.peakMiB)).padStart(5)} MiB`);
  });

function runningLastCluster(): string | undefined {
  const dir = lastClusterDir();
  if (!dir) return undefined;
  try {
    return readState(dir).processes.some(isRunning) ? dir : undefined;
  } catch {
    return undefined;
  }
}

program.parseAsync(process.argv.slice(2), { from: 'user' }).catch((err: unknown) => {
  console.error(err instanceof ControlPlaneError || err instanceof GoBuildError ? err.message : err);
  process.exitCode = 1;
});
