// Benchmark (npm run bench:synth): our `gitops synth` against `cdk8s synth` on the same generated services,
// side by side in one run — wall time and peak RSS (medians), ratios, scaling, watch latency and the targets.
// Flags: --sizes 10,100,500,1000  --runs 5  --watch-edits 5 (0 skips the watch measurement).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareObjectSets } from './equivalence.ts';
import { helmOverheadReport } from './helm-overhead.ts';
import { OBJECTS_PER_SERVICE, generateProjects, type BenchProjects } from './generate.ts';
import { measure, median, rssMethod, type Command, type Sample } from './measure.ts';
import { repoRoot } from './repo-root.ts';
import { TOOLS, resultsTable, targetsTable, type SizeResult, type Target, type Tool } from './table.ts';
import { watchLatencies } from './watch-latency.ts';

const WATCH_SIZE = 500;

function commands(p: BenchProjects): Record<Tool, Command> {
  const gitops = (...extra: string[]): Command => ({ cmd: process.execPath, args: [join(repoRoot, 'bin', 'gitops.js'), 'synth', '--root', p.ours, ...extra], cwd: repoRoot });
  return {
    oursNoTypecheck: gitops('--no-typecheck'),
    oursTypecheck: gitops(),
    oursClean: gitops('--no-typecheck'),
    oursNoCache: gitops('--no-typecheck', '--no-cache'),
    cdk8s: { cmd: 'npx', args: ['cdk8s', 'synth', '--check-upgrade=false'], cwd: p.cdk8s },
  };
}

/**
 * cdk8s synth empties its output folder itself. Ours keeps dist/ from the previous run (it writes only files
 * whose bytes changed: none here), except `oursClean`, which starts from an empty dist/ and creates every file.
 */
function run(p: BenchProjects, tool: Tool): Sample {
  if (tool === 'oursClean') rmSync(join(p.ours, 'dist'), { recursive: true, force: true });
  return measure(commands(p)[tool]);
}

function benchSize(services: number, runs: number): SizeResult {
  const p = generateProjects(repoRoot, services);
  rmSync(join(p.ours, '.gitops-cache'), { recursive: true, force: true });
  const oursCold = run(p, 'oursClean');
  for (const tool of TOOLS) run(p, tool); // warm-up, not counted
  const samples = Object.fromEntries(TOOLS.map((t) => [t, [] as Sample[]])) as Record<Tool, Sample[]>;
  for (let i = 0; i < runs; i++) {
    for (const tool of TOOLS) samples[tool].push(run(p, tool)); // interleaved, so load changes hit every tool alike
    process.stderr.write(`  N=${services}: run ${i + 1}/${runs}\n`);
  }
  const med = (xs: Sample[]): Sample => ({ wallMs: median(xs.map((x) => x.wallMs)), cpuMs: median(xs.map((x) => x.cpuMs)), rssMB: median(xs.map((x) => x.rssMB)) });
  const medians = Object.fromEntries(TOOLS.map((t) => [t, med(samples[t])])) as Record<Tool, Sample>;
  return { services, objects: services * OBJECTS_PER_SERVICE, oursCold, median: medians };
}

function targets(results: readonly SizeResult[], watchMs: number | undefined): Target[] {
  const at = (n: number) => results.find((r) => r.services === n);
  const out: Target[] = [];
  const r500 = at(500), r1000 = at(1000);
  if (r500) {
    const m = r500.median;
    out.push({ name: 'N=500 no-typecheck speed-up over cdk8s synth', value: `${(m.cdk8s.wallMs / m.oursNoTypecheck.wallMs).toFixed(1)}×`, goal: '≥ 10×', met: m.cdk8s.wallMs / m.oursNoTypecheck.wallMs >= 10 });
    out.push({ name: 'N=500 type-check speed-up over cdk8s synth', value: `${(m.cdk8s.wallMs / m.oursTypecheck.wallMs).toFixed(1)}×`, goal: '≥ 4×', met: m.cdk8s.wallMs / m.oursTypecheck.wallMs >= 4 });
    out.push({ name: 'N=500 no-typecheck into an empty dist/, speed-up', value: `${(m.cdk8s.wallMs / m.oursClean.wallMs).toFixed(1)}×`, goal: '≥ 10×', met: m.cdk8s.wallMs / m.oursClean.wallMs >= 10 });
    out.push({ name: 'N=500 no-typecheck, every app synthesized (--no-cache), speed-up', value: `${(m.cdk8s.wallMs / m.oursNoCache.wallMs).toFixed(1)}×`, goal: '≥ 10×', met: m.cdk8s.wallMs / m.oursNoCache.wallMs >= 10 });
    const peak = Math.max(m.oursNoTypecheck.rssMB, m.oursTypecheck.rssMB, m.oursClean.rssMB, m.oursNoCache.rssMB);
    out.push({ name: 'N=500 peak RSS (ours)', value: `${Math.round(peak)} MB`, goal: '≤ 150 MB', met: peak <= 150 });
  }
  if (r500 && r1000) {
    const labels = { oursNoTypecheck: 'no-typecheck', oursTypecheck: 'type-check', oursClean: 'no-typecheck, empty dist/', oursNoCache: 'no-typecheck, --no-cache' } as const;
    for (const [tool, label] of Object.entries(labels) as [keyof typeof labels, string][]) {
      const scale = r1000.median[tool].wallMs / r500.median[tool].wallMs;
      out.push({ name: `N=1000 / N=500 time, ${label}`, value: `${scale.toFixed(2)}`, goal: '≤ 2.1', met: scale <= 2.1 });
    }
  }
  if (watchMs !== undefined) out.push({ name: `watch: one changed app at N=${WATCH_SIZE} to updated file (median)`, value: `${Math.round(watchMs)} ms`, goal: '≤ 100 ms', met: watchMs <= 100 });
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10,100,500,1000' }, runs: { type: 'string', default: '5' }, 'watch-edits': { type: 'string', default: '5' }, 'helm-size': { type: 'string' } } });
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const edits = Number(values['watch-edits']);
  console.log(`# gitops synth vs cdk8s synth — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${runs} runs per tool and size (medians), RSS: ${rssMethod}`);
  console.log(`load before: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);

  const results = sizes.map((n) => benchSize(n, runs));
  console.log(resultsTable(results));
  console.log(`load after runs: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
  console.log(`${await helmOverheadReport(repoRoot, values['helm-size'], sizes, runs)}\n`); // --helm-size 0 skips

  const small = generateProjects(repoRoot, 10);
  if (!sizes.includes(10)) { run(small, 'oursClean'); run(small, 'cdk8s'); }
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
  console.log(`\n${targetsTable(targets(results, watchMs))}`);
  if (!same.ok) process.exitCode = 1;
}

await main();
