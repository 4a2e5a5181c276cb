// Benchmark (npm run bench:agent): the pull agent on the test control plane with the generated services
// (N=500: 3,500 objects), side by side with kubectl in one run — first apply time and peak RSS against
// `kubectl apply --server-side`, requests and writes of no-op reconciles, push-to-applied and self-heal
// latency, and the long-running agent's peak RSS; printed as tables with the targets of issues 5 and 6.
// Flags: --services 500  --runs 3  --noops 10  --edits 5  --health-timeout <duration> (of the long-running agent)
//        --kubectl-timeout <duration> (stop kubectl then and estimate its time from how far it got)
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { renderedRepo } from './agent-fixture.ts';
import { bookkeeping, firstApply, liveAgent, noOpReconciles, s, type FirstApply, type KubectlRun, type LiveAgentFigures, type NoOpSample } from './agent-phases.ts';
import { parseDuration } from '../agent/duration.ts';
import { median } from './measure.ts';
import { targetsTable, type Target } from './table.ts';

const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const mb = (x: number) => `${Math.round(x)} MB`;
const ms = (x: number) => `${Math.round(x)} ms`;
const range = (xs: readonly number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function firstApplyTable(f: FirstApply, objects: number): string {
  const k = median(f.kubectl.map(kubectlMs)), o = median(f.ours.map((r) => r.wallMs));
  const h = f.withHealth;
  const kubectlRun = (r: KubectlRun) => !r.stopped ? s(r.wallMs)
    : `stopped at ${s(r.wallMs)} after ${r.applied} objects${r.estimatedMs === undefined ? '' : `: ≈ ${s(r.estimatedMs)} for all`}`;
  return table(['first apply of ' + objects + ' objects, fresh control plane', 'wall time (median)', 'peak RSS (median)', 'runs', 'ours / kubectl'], [
    ['`kubectl apply --server-side -R -f <dir>`', `${f.kubectl.some((r) => r.stopped) ? (f.kubectl.every((r) => r.estimatedMs) ? '≈ ' : '≥ ') : ''}${s(k)}`, mb(median(f.kubectl.map((r) => r.rssMB))), f.kubectl.map(kubectlRun).join(', '), ''],
    ['`gitops agent --once --health-timeout 0s`', s(o), mb(median(f.ours.map((r) => r.rssMB))), f.ours.map((r) => s(r.wallMs)).join(', '), `${(o / k).toFixed(2)}×`],
    ['… of which the reconcile (durationMs in its log)', s(median(f.ours.map((r) => r.applyMs))), '', f.ours.map((r) => s(r.applyMs)).join(', '), `${(median(f.ours.map((r) => r.applyMs)) / k).toFixed(2)}×`],
    [`\`gitops agent --once\` (default 30 s health timeout; health ${h.result.health?.status ?? '?'})`, s(h.wallMs), mb(h.rssMB), `1 (reconcile ${s(h.result.durationMs)})`, `${(h.wallMs / k).toFixed(2)}×`],
  ]);
}

/** kubectl's time for all objects: measured, or estimated from a run stopped at --kubectl-timeout (at least its time, before any object). */
const kubectlMs = (r: KubectlRun) => r.estimatedMs ?? r.wallMs;

function agentTable(watched: readonly NoOpSample[], unwatched: readonly NoOpSample[], live: LiveAgentFigures): string {
  const noOp = (xs: readonly NoOpSample[]) => [
    `requests ${range(xs.map((x) => x.requests), String)}, writes ${range(xs.map((x) => x.writes), String)}, not unchanged ${Math.max(...xs.map((x) => x.notUnchanged))}`,
    `${ms(median(xs.map((x) => x.ms)))} per reconcile (median)`,
  ];
  const latency = (xs: readonly number[]) => [ms(median(xs)), xs.map((x) => Math.round(x)).join(', ')];
  return table(['agent figure', 'measured', 'detail'], [
    [`${watched.length} no-op reconciles, watch cache (long-running agent)`, ...noOp(watched)],
    [`${unwatched.length} no-op reconciles, no watch (one list per kind)`, ...noOp(unwatched)],
    ['push-to-applied, webhook (median)', ...latency(live.webhookMs)],
    ['push-to-applied, polling every 2 s (median)', ...latency(live.pollingMs)],
    ['self-heal after `kubectl patch` (median)', ...latency(live.selfHealMs)],
    ['long-running agent peak RSS (VmHWM)', mb(live.peakMB.webhookAgent), `interval 10s agent after its pushes and self-heals; polling agent ${mb(live.peakMB.pollingAgent)}`],
  ]);
}

function targets(f: FirstApply, watched: readonly NoOpSample[], live: LiveAgentFigures): Target[] {
  const ratio = median(f.ours.map((r) => r.wallMs)) / median(f.kubectl.map(kubectlMs));
  const maxRequests = Math.max(...watched.map((x) => x.requests)), maxWrites = Math.max(...watched.map((x) => x.writes));
  const heal = median(live.selfHealMs);
  const peak = Math.max(live.peakMB.webhookAgent, live.peakMB.pollingAgent);
  const oncePeak = median(f.ours.map((r) => r.rssMB));
  return [
    { name: 'first apply: ours / kubectl wall time (issue 5)', value: `${ratio.toFixed(2)}×`, goal: '≤ 0.5×', met: ratio <= 0.5 },
    { name: 'no-op reconcile writes (issues 5, 6)', value: String(maxWrites), goal: '0', met: maxWrites === 0 },
    { name: 'no-op reconcile requests, each (issue 6)', value: String(maxRequests), goal: '≤ 35', met: maxRequests <= 35 },
    { name: 'self-heal latency, median (issue 6)', value: ms(heal), goal: '≤ 2000 ms', met: heal <= 2000 },
    { name: 'long-running agent peak RSS, watch cache on all objects (issues 5, 6)', value: mb(peak), goal: '≤ 120 MB', met: peak <= 120 },
    { name: '`--once` agent peak RSS (issue 5)', value: mb(oncePeak), goal: '≤ 120 MB', met: oncePeak <= 120 },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    services: { type: 'string', default: '500' }, runs: { type: 'string', default: '3' }, noops: { type: 'string', default: '10' },
    edits: { type: 'string', default: '5' }, 'health-timeout': { type: 'string' }, 'kubectl-timeout': { type: 'string' },
  } });
  const services = Number(values.services), runs = Number(values.runs), noops = Number(values.noops), edits = Number(values.edits);
  console.log(`# gitops agent vs kubectl apply — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).split('\n')[0]}, N=${services} services, ${runs} first-apply runs per tool, RSS: GNU time %M / VmHWM`);
  const load = [`before: ${uptime()}`];
  const repo = await renderedRepo(services);
  let first: FirstApply | undefined;
  try {
    first = await firstApply(repo, runs, values['kubectl-timeout'] ? parseDuration(values['kubectl-timeout'], '--kubectl-timeout') : undefined);
    load.push(`after first applies: ${uptime()}`);
    const kept = await bookkeeping(first.plane);
    progress(kept);
    const watched = await noOpReconciles(first.plane, repo, true, noops);
    const unwatched = await noOpReconciles(first.plane, repo, false, noops);
    const live = await liveAgent(first.plane, repo, edits, values['health-timeout']);
    load.push(`end: ${uptime()}`);
    console.log(`\n${repo.objects} objects per environment\n\n${firstApplyTable(first, repo.objects)}\n\n${agentTable(watched, unwatched, live)}\n\n${targetsTable(targets(first, watched, live))}\n`);
    if (services !== 500) console.log(`The goals were set for N=500 (3,500 objects); this run has ${repo.objects}.`);
    console.log(kept);
    console.log(`health after the default-timeout first apply: ${first.withHealth.result.health?.message ?? 'none'}`.slice(0, 400));
    console.log(`load average — ${load.join('; ')}`);
  } finally {
    await first?.plane.stop();
    repo.remove();
  }
}

// Exit explicitly: the Kubernetes client keeps idle connections open.
await main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
