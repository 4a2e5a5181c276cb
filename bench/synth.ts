// Benchmark (npm run bench:synth): our `gitops synth` against `cdk8s synth` on the same generated services,
// side by side in one run — wall time and peak RSS (medians), ratios, scaling, watch latency and the targets.
// Also a fresh clone as CI has it (fresh-clone.ts): synth with one or every app changed, and publish; beside them
// their floor, cdk8s alone building the changed apps in Node (floor.ts).
// Flags: --sizes 10,100,500,1000  --runs 5  --watch-edits 5 (0 skips the watch measurement).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareObjectSets } from './equivalence.ts';
import { helmOverheadReport } from './helm-overhead.ts';
import { OBJECTS_PER_SERVICE, generateProjects, type BenchProjects } from './generate.ts';
import { measure, median, medianSample, rssMethod, type Command, type Sample } from './measure.ts';
import { measureCliBuild } from './cli-build.ts';
import { repoRoot } from './repo-root.ts';
import { makeOrigin, type FreshOrigin, type Scenario } from './fresh-clone.ts';
import { fileCreationProbe } from './disk-probe.ts';
import { floorCommands } from './floor.ts';
import { setAsideIn } from './set-aside.ts';
import { TOOLS, formatSample, freshTable, resultsTable, targetsTable, type SizeResult, type Tool } from './table.ts';
import { targets } from './targets.ts';
import { watchLatencies } from './watch-latency.ts';

const WATCH_SIZE = 500;
const CACHE_FROM = ['--cache-from', 'origin/rendered'];
const aside = setAsideIn(join(repoRoot, '.gitops-cache', 'bench')); // emptied after the last sample

const gitops = (args: readonly string[]): Command => ({ cmd: process.execPath, args: [join(repoRoot, 'bin', 'gitops.js'), ...args], cwd: repoRoot });

/** Whether this synth has --cache-from (issue 18, item 1); without it the fresh-clone columns run every app. */
function synthHasCacheFrom(): boolean {
  return execFileSync(process.execPath, [join(repoRoot, 'bin', 'gitops.js'), 'synth', '--help'], { encoding: 'utf8' }).includes('--cache-from');
}

/**
 * The scenario of each column. cdk8s synth empties its output folder itself. Ours keeps dist/ from the previous
 * run (it writes only files whose bytes changed: none here), except `oursClean`, which starts from an empty dist/
 * and creates every file; the fresh-clone columns start from a new clone (fresh-clone.ts).
 */
function scenarios(p: BenchProjects, fresh: FreshOrigin): Record<Tool, Scenario> {
  const synth = (...extra: string[]): Scenario => ({ prepare: () => gitops(['synth', '--root', p.ours, ...extra]) });
  const floor = floorCommands(p);
  return {
    oursNoTypecheck: synth('--no-typecheck'),
    oursTypecheck: synth(),
    oursClean: { prepare: () => { aside.move(join(p.ours, 'dist')); return synth('--no-typecheck').prepare(); } },
    oursNoCache: synth('--no-typecheck', '--no-cache'),
    ...fresh.scenarios,
    floorOne: { prepare: () => floor(1) },
    floorEvery: { prepare: () => floor(p.charts) },
    cdk8s: { prepare: () => ({ cmd: 'npx', args: ['cdk8s', 'synth', '--check-upgrade=false'], cwd: p.cdk8s }) },
  };
}

function run(scenario: Scenario): Sample {
  const sample = measure(scenario.prepare());
  scenario.after?.();
  return sample;
}

function benchSize(services: number, runs: number, synthFlags: readonly string[]): SizeResult {
  const p = generateProjects(repoRoot, services);
  aside.move(join(p.ours, '.gitops-cache'));
  const fresh = makeOrigin(p, gitops, (c) => measure(c), synthFlags, aside);
  const all = scenarios(p, fresh);
  const oursCold = run(all.oursClean);
  for (const tool of TOOLS) run(all[tool]); // warm-up, not counted
  const samples = Object.fromEntries(TOOLS.map((t) => [t, [] as Sample[]])) as Record<Tool, Sample[]>;
  for (let i = 0; i < runs; i++) {
    for (const tool of TOOLS) samples[tool].push(run(all[tool])); // interleaved, so load changes hit every tool alike
    process.stderr.write(`  N=${services}: run ${i + 1}/${runs}\n`);
  }
  fresh.setAside();
  const medians = Object.fromEntries(TOOLS.map((t) => [t, medianSample(samples[t])])) as Record<Tool, Sample>;
  return { services, objects: services * OBJECTS_PER_SERVICE, oursCold, median: medians };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,100,500,1000' }, runs: { type: 'string', default: '5' }, 'watch-edits': { type: 'string', default: '5' }, 'helm-size': { type: 'string' } } });
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const edits = Number(values['watch-edits']);
  console.log(`# gitops synth vs cdk8s synth — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${runs} runs per tool and size (medians), RSS: ${rssMethod}`);
  const cacheFrom = synthHasCacheFrom();
  console.log(`fresh-clone synth: ${cacheFrom ? `with ${CACHE_FROM.join(' ')}` : 'synth has no --cache-from here, so every app runs'}; publish as CI runs it (type-check on, its default cache); clone time not measured`);
  console.log(`load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  const probe = () => `creating 3,501 files in the bench folder: ${Math.round(fileCreationProbe(join(repoRoot, '.gitops-cache', 'bench'), aside))} ms (~100 on a quiet disk; see bench/README.md "Empty dist/")`;
  console.log(`${probe()}\n`);

  const results = sizes.map((n) => benchSize(n, runs, cacheFrom ? CACHE_FROM : []));
  console.log(resultsTable(results));
  console.log(`\n${freshTable(results)}\n`);
  const cli = measureCliBuild(repoRoot, runs);
  console.log(`first gitops command after npm ci (CLI bundle built, not in the columns above): ${formatSample(cli.first)}; then ${formatSample(cli.next)}`);
  console.log(`load after runs: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}; ${probe()}\n`);
  console.log(`${await helmOverheadReport(repoRoot, values['helm-size'], sizes, runs)}\n`); // --helm-size 0 skips

  const small = generateProjects(repoRoot, 10);
  if (!sizes.includes(10)) { aside.move(join(small.ours, 'dist')); measure(gitops(['synth', '--root', small.ours, '--no-typecheck'])); measure({ cmd: 'npx', args: ['cdk8s', 'synth', '--check-upgrade=false'], cwd: small.cdk8s }); }
  const same = compareObjectSets(join(small.ours, 'dist'), join(small.cdk8s, 'dist'));
  console.log(`same objects at N=10 (apiVersion/kind/namespace/name): ${same.ok ? 'OK' : 'FAIL'} — ours ${same.ours}, cdk8s ${same.cdk8s}`);
  for (const d of same.differences.slice(0, 20)) console.log(`  ${d}`);

  let watchMs: number | undefined;
  if (edits > 0) {
    const project = generateProjects(repoRoot, WATCH_SIZE).ours;
    const latencies = await watchLatencies({ repoRoot, project, edits, settleMs: 2000 });
    watchMs = median(latencies);
    console.log(`watch at N=${WATCH_SIZE}: ${latencies.map((l) => `${Math.round(l)}`).join(', ')} ms (median ${Math.round(watchMs)} ms)`);
  }
  console.log(`\n${targetsTable(targets(results, watchMs, WATCH_SIZE))}`);
  aside.empty();
  if (!same.ok) process.exitCode = 1;
}

await main();
