// Benchmark (part of npm run bench:synth, --helm-size N): what a locked folder Helm chart costs a warm
// `gitops synth --no-typecheck`. The N-service project and a copy with one more app that renders the repo's
// charts/status-page, interleaved; helm itself is a PATH wrapper that logs every call, so the report shows
// whether helm ran at all on the warm runs (it must not: the synth cache holds the chart's objects).
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ensureHelm } from '../compiler/helm/helm-binary.ts';
import { NAMESPACE, generateProjects, writeIfChanged } from './generate.ts';
import { measure, median, type Command, type Sample } from './measure.ts';

const CHART = 'charts/status-page';

const HELM_APP = `// Benchmark app status-page: the repo's folder chart ${CHART}, pinned in gitops.lock.
import { Chart } from 'cdk8s';
import { defineApp, HelmChart } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'status-page',
  build(app) {
    const chart = new Chart(app, 'status-page', { namespace: '${NAMESPACE}' });
    new HelmChart(chart, 'status-page', { chart: '${CHART}', values: { replicas: 2, title: 'Bench status' } });
  },
});
`;

export interface HelmOverhead {
  readonly services: number;
  readonly withHelm: readonly Sample[];
  readonly without: readonly Sample[];
  readonly coldWith: Sample;
  readonly coldWithout: Sample;
  /** helm calls seen by the PATH wrapper: during `gitops lock` and a first synth, the cold run with the Helm app, all warm runs. */
  readonly helmCalls: { readonly lock: HelmCalls; readonly cold: HelmCalls; readonly warm: HelmCalls };
}

/** The size to measure: the flag (0 skips), else N=500 when it was run, else the largest size run. */
export function helmSize(flag: string | undefined, sizes: readonly number[]): number {
  if (flag !== undefined && !/^\d+$/.test(flag)) throw new Error(`--helm-size ${flag}: give a number of services (0 skips)`);
  if (flag !== undefined) return Number(flag);
  return sizes.includes(500) ? 500 : Math.max(...sizes);
}

/** The table for bench:synth, or '' when --helm-size is 0. */
export async function helmOverheadReport(repoRoot: string, flag: string | undefined, sizes: readonly number[], runs: number): Promise<string> {
  const services = helmSize(flag, sizes);
  return services > 0 ? helmOverheadTable(await helmOverhead(repoRoot, services, runs)) : '';
}

export async function helmOverhead(repoRoot: string, services: number, runs: number): Promise<HelmOverhead> {
  const without = generateProjects(repoRoot, services).ours;
  const withHelm = helmProject(repoRoot, without);
  const spy = helmSpy(join(withHelm, '..', 'helm-spy'), await ensureHelm());
  const synth = (root: string): Command => gitops(repoRoot, spy.path, ['synth', '--root', root, '--no-typecheck']);

  measure(gitops(repoRoot, spy.path, ['lock', '--update', '--root', withHelm])); // not measured; --update: the chart may have changed
  for (const root of [withHelm, without]) measure(synth(root)); // dist/ exists, so the cold runs create no files
  const lock = spy.take();
  for (const root of [withHelm, without]) rmSync(join(root, '.gitops-cache'), { recursive: true, force: true });
  const coldWith = measure(synth(withHelm));
  const cold = spy.take(); // the warm-up with the Helm app below counts as warm
  const coldWithout = measure(synth(without));
  measure(synth(withHelm)); // warm-up of both, not counted
  measure(synth(without));
  const samples = { withHelm: [] as Sample[], without: [] as Sample[] };
  for (let i = 0; i < runs; i++) {
    samples.withHelm.push(measure(synth(withHelm))); // interleaved, so load changes hit both alike
    samples.without.push(measure(synth(without)));
    process.stderr.write(`  Helm app at N=${services}: run ${i + 1}/${runs}\n`);
  }
  return { services, ...samples, coldWith, coldWithout, helmCalls: { lock, cold, warm: spy.take() } };
}

/** `<project>-helm`: a copy of the generated project with the repo's chart and an app that renders it. */
function helmProject(repoRoot: string, project: string): string {
  const copy = `${project}-helm`;
  for (const file of ['gitops.config.ts', 'tsconfig.json']) writeIfChanged(join(copy, file), readFileSync(join(project, file), 'utf8'));
  copyTree(join(project, 'apps'), join(copy, 'apps'));
  copyTree(join(repoRoot, CHART), join(copy, CHART));
  writeIfChanged(join(copy, 'apps', 'status-page.ts'), HELM_APP);
  return copy;
}

export function helmOverheadTable(r: HelmOverhead): string {
  const walls = (xs: readonly Sample[]) => xs.map((x) => x.wallMs);
  const cpus = (xs: readonly Sample[]) => xs.map((x) => x.cpuMs);
  const [mWith, mWithout] = [median(walls(r.withHelm)), median(walls(r.without))];
  const spread = (xs: readonly Sample[]) => Math.max(...walls(xs)) - Math.min(...walls(xs));
  const range = (values: readonly number[]) => `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
  const cpu = (xs: readonly Sample[]) => `${ms(median(cpus(xs)))} (${range(cpus(xs))}) / ${mb(xs)}`;
  const diff = mWith - mWithout;
  const widest = Math.max(spread(r.withHelm), spread(r.without));
  const signed = (d: number) => `${d >= 0 ? '+' : '−'}${ms(Math.abs(d))}`;
  return [
    `## A locked folder Helm chart (${CHART}) in the N=${r.services} project, gitops synth --no-typecheck`,
    '',
    '| run | with the Helm app | without | difference |',
    '| --- | --- | --- | --- |',
    `| warm, median of ${r.withHelm.length} (dist/ and .gitops-cache/ kept) | ${ms(mWith)} | ${ms(mWithout)} | ${signed(diff)} (${diff >= 0 ? '+' : '−'}${Math.abs(diff / mWithout * 100).toFixed(1)}%) |`,
    `| warm, min–max | ${range(walls(r.withHelm))} | ${range(walls(r.without))} | spread up to ${ms(widest)} |`,
    `| warm, CPU median (min–max) / peak RSS | ${cpu(r.withHelm)} | ${cpu(r.without)} | ${signed(median(cpus(r.withHelm)) - median(cpus(r.without)))} CPU |`,
    `| cold: fresh .gitops-cache/, dist/ kept (1 run) | ${ms(r.coldWith.wallMs)} | ${ms(r.coldWithout.wallMs)} | ${signed(r.coldWith.wallMs - r.coldWithout.wallMs)} |`,
    '',
    `helm calls (a PATH wrapper that logs each one): gitops lock and a first synth ${calls(r.helmCalls.lock)}; the cold run ${calls(r.helmCalls.cold)}; ${r.withHelm.length + 1} warm runs ${calls(r.helmCalls.warm)}.`,
    `No measurable time on a warm run: ${Math.abs(diff) <= widest && r.helmCalls.warm.calls === 0 ? 'yes' : 'NO'} (difference ${signed(diff)}, run-to-run spread up to ${ms(widest)}; helm ran ${r.helmCalls.warm.calls} times warm).`,
  ].join('\n');
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function calls(c: HelmCalls): string {
  return c.calls === 0 ? 'none' : `${c.calls} (${ms(c.ms)})`;
}

function mb(xs: readonly Sample[]): string {
  return `${Math.round(median(xs.map((x) => x.rssMB)))} MB`;
}

/** `gitops <args>` with the spy first on PATH; both projects run through the same `env`, so neither pays more. */
function gitops(repoRoot: string, spyDir: string, args: readonly string[]): Command {
  const path = `PATH=${spyDir}${delimiter}${process.env.PATH ?? ''}`;
  return { cmd: '/usr/bin/env', args: [path, process.execPath, join(repoRoot, 'bin', 'gitops.js'), ...args], cwd: repoRoot };
}

/** helm calls the spy logged, and the milliseconds they took together. */
export interface HelmCalls {
  readonly calls: number;
  readonly ms: number;
}

/** A folder with a `helm` that runs the real helm and logs each call's duration; take() reads and clears the log. */
function helmSpy(dir: string, realHelm: string): { readonly path: string; take(): HelmCalls } {
  const log = join(dir, 'calls.log');
  const script = join(dir, 'helm');
  const now = 'date +%s%N';
  writeIfChanged(script, `#!/bin/sh\nstart=$(${now})\n'${realHelm}' "$@"\nrc=$?\necho "$1 $(( ($(${now}) - start) / 1000000 ))" >> '${log}'\nexit $rc\n`);
  chmodSync(script, 0o755);
  const take = (): HelmCalls => {
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    writeFileSync(log, '');
    return { calls: lines.length, ms: lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0) };
  };
  take();
  return { path: dir, take };
}

/** Copies the files under `from` to `to`, rewriting only changed ones (keeps the synth cache warm). */
function copyTree(from: string, to: string): void {
  for (const rel of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
    if (statSync(join(from, rel)).isFile()) writeIfChanged(join(to, rel), readFileSync(join(from, rel), 'utf8'));
  }
}
