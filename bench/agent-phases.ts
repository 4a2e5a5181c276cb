// The measurements of the agent benchmark, one function each: first apply (kubectl vs `gitops agent --once`
// on fresh control planes), no-op reconciles in process (with and without the watch cache), push-to-applied
// latency (webhook, polling) and self-heal latency of the long-running agent, and its peak RSS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inventoryName, loadInventory } from '../agent/inventory.ts';
import { KubeClient } from '../agent/kube.ts';
import { loadConnection } from '../agent/kubeconfig.ts';
import { createReconciler } from '../agent/reconcile.ts';
import { openSource } from '../agent/source.ts';
import { statusName, type StoredResult } from '../agent/status.ts';
import type { K8sObject } from '../agent/types.ts';
import { startControlPlane, type ControlPlane } from '../test/controlplane/control-plane.ts';
import { freePort } from '../test/controlplane/ports.ts';
import { BRANCH, ENV, type RenderedRepo } from './agent-fixture.ts';
import { AGENT_NAMESPACE, agentOnce, startAgentProcess, timedRun, type AgentProcess, type TimedRun } from './agent-process.ts';
import { NAMESPACE } from './generate.ts';

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

/** A fresh control plane (empty etcd) with the objects' namespace created. */
export async function freshPlane(): Promise<ControlPlane> {
  const plane = await startControlPlane();
  kubectl(plane, 'create', 'namespace', NAMESPACE);
  return plane;
}

function kubectl(plane: ControlPlane, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', plane.kubeconfigPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface FirstApply {
  readonly kubectl: KubectlRun[];
  readonly ours: (TimedRun & { applyMs: number })[];
  /** One `--once` with the default health timeout; its plane is kept for the later phases. */
  readonly withHealth: TimedRun & { result: StoredResult };
  readonly plane: ControlPlane;
}

/** Interleaved runs, each tool on its own fresh plane; the objects must all be created. */
export async function firstApply(repo: RenderedRepo, runs: number, kubectlTimeoutMs?: number): Promise<FirstApply> {
  const kubectlRuns: KubectlRun[] = [], ours: (TimedRun & { applyMs: number })[] = [];
  for (let i = 1; i <= runs; i++) {
    kubectlRuns.push(await onFreshPlane((plane) => kubectlApply(plane, repo, kubectlTimeoutMs)));
    const run = await onFreshPlane((plane) => agentOnceOn(plane, repo, '0s'));
    ours.push({ ...run, applyMs: run.result.durationMs });
    progress(`first apply ${i}/${runs}: kubectl ${s(kubectlRuns.at(-1)!.wallMs)}, ours ${s(run.wallMs)} (reconcile ${s(run.result.durationMs)})`);
  }
  const plane = await freshPlane();
  const withHealth = await agentOnceOn(plane, repo).catch(async (error: unknown) => { await plane.stop(); throw error; });
  progress(`first apply with the default health timeout: ${s(withHealth.wallMs)}, health ${withHealth.result.health?.status}`);
  return { kubectl: kubectlRuns, ours, withHealth, plane };
}

async function onFreshPlane<T>(measure: (plane: ControlPlane) => Promise<T>): Promise<T> {
  const plane = await freshPlane();
  try {
    return await measure(plane);
  } finally {
    await plane.stop();
  }
}

/** A kubectl run; one stopped at its timeout says how far it got, and how long all objects would take at that rate. */
export type KubectlRun = TimedRun & { readonly applied: number; readonly stopped?: boolean; readonly estimatedMs?: number };

async function kubectlApply(plane: ControlPlane, repo: RenderedRepo, timeoutMs?: number): Promise<KubectlRun> {
  const run = await timedRun('kubectl', ['--kubeconfig', plane.kubeconfigPath, 'apply', '--server-side', '-R', '-f', repo.yamlDir], repo.base, timeoutMs);
  const applied = run.stdout.split('\n').filter((l) => / serverside-applied$/.test(l)).length;
  if (run.timedOut) return { ...run, applied, stopped: true, ...(applied > 0 ? { estimatedMs: run.wallMs * repo.objects / applied } : {}) };
  if (applied !== repo.objects) throw new Error(`kubectl applied ${applied} of ${repo.objects} objects`);
  return { ...run, applied };
}

async function agentOnceOn(plane: ControlPlane, repo: RenderedRepo, healthTimeout?: string) {
  const run = await agentOnce({ bare: repo.bare, kubeconfig: plane.kubeconfigPath, cacheDir: freshDir(repo, 'clone-'), healthTimeout }, repo.base);
  const created = run.result.counts?.created ?? 0; // the logged result lists the first objects only
  if (created !== repo.objects || run.result.errors.length > 0) throw new Error(`gitops agent --once created ${created} of ${repo.objects} objects: ${run.result.errors.join('; ')}`);
  return run;
}

/** The agent's bookkeeping after a first apply: the inventory (read back whole) and the status object, with their sizes. */
export async function bookkeeping(plane: ControlPlane): Promise<string> {
  const kube = new KubeClient(loadConnection(plane.kubeconfigPath), 'bench-observer');
  const maps = await kube.list('v1', 'ConfigMap', { namespace: AGENT_NAMESPACE });
  const kB = (o: K8sObject | undefined) => Buffer.byteLength(JSON.stringify([o?.data, o?.binaryData])) / 1024;
  const inventory = maps.filter((o) => o.metadata.name?.startsWith(inventoryName(ENV))).map(kB);
  const entries = (await loadInventory(kube, AGENT_NAMESPACE, ENV)).entries.length;
  const status = kB(maps.find((o) => o.metadata.name === statusName(ENV)));
  return `inventory: ${entries} objects in ${inventory.length} ConfigMap(s) (head and shards), ${Math.round(inventory.reduce((a, b) => a + b, 0))} KB together, largest ${Math.round(Math.max(...inventory))} KB; status ConfigMap ${Math.round(status)} KB`;
}

export interface NoOpSample {
  readonly requests: number;
  readonly writes: number;
  readonly ms: number;
  /** Objects the reconcile did not find unchanged (should be 0). */
  readonly notUnchanged: number;
}

/** After a warm-up reconcile (inventory load, watches started), `count` reconciles of the same revision. */
export async function noOpReconciles(plane: ControlPlane, repo: RenderedRepo, watch: boolean, count: number): Promise<NoOpSample[]> {
  const quiet = { info() {}, warn: (o: object, m?: string) => progress(`reconciler: ${m ?? ''} ${JSON.stringify(o)}`), error() {} };
  const reconciler = createReconciler({ connection: loadConnection(plane.kubeconfigPath), env: ENV, namespace: AGENT_NAMESPACE, prune: true, allowEmpty: false, force: true, selfHeal: true, watch, log: quiet });
  try {
    const source = openSource({ url: repo.bare, branch: BRANCH, cacheDir: freshDir(repo, 'clone-') });
    const revision = await source.revisionAt((await source.update()).commit, ENV);
    await reconciler.reconcile(revision);
    const samples: NoOpSample[] = [];
    for (let i = 0; i < count; i++) {
      const before = { ...reconciler.kube.counts };
      const started = performance.now();
      const result = await reconciler.reconcile(revision);
      samples.push({
        requests: reconciler.kube.counts.requests - before.requests,
        writes: reconciler.kube.counts.writes - before.writes,
        ms: performance.now() - started,
        notUnchanged: result.changes.filter((c) => c.action !== 'unchanged').length + result.errors.length,
      });
    }
    return samples;
  } finally {
    reconciler.stop();
  }
}

export interface LiveAgentFigures {
  readonly webhookMs: number[];
  readonly pollingMs: number[];
  readonly selfHealMs: number[];
  /** VmHWM of the webhook agent (interval 10s) after its changes and self-heals, and of the polling one. */
  readonly peakMB: { readonly webhookAgent: number; readonly pollingAgent: number };
}

/** The long-running agent process: webhook latency and self-heal (interval 10s), then polling latency (2s). */
export async function liveAgent(plane: ControlPlane, repo: RenderedRepo, edits: number, healthTimeout: string | undefined): Promise<LiveAgentFigures> {
  const kube = new KubeClient(loadConnection(plane.kubeconfigPath), 'bench-observer');
  const start = async (interval: string, name: string) => startAgentProcess({
    bare: repo.bare, kubeconfig: plane.kubeconfigPath, cacheDir: freshDir(repo, 'clone-'), healthTimeout,
    interval, port: await freePort(), logFile: join(repo.base, `${name}.log`), cwd: repo.base,
  });

  const webhookAgent = await start('10s', 'agent-webhook');
  const webhookMs = await pushLatencies(repo, kube, webhookAgent, edits, 'w', () => webhookAgent.trigger());
  const selfHealMs = await selfHealLatencies(plane, kube, webhookAgent, edits);
  const webhookPeak = webhookAgent.memory().peakMB;
  await webhookAgent.stop();

  const pollingAgent = await start('2s', 'agent-polling');
  const pollingMs = await pushLatencies(repo, kube, pollingAgent, edits, 'p', async () => {});
  const pollingPeak = pollingAgent.memory().peakMB;
  await pollingAgent.stop();
  return { webhookMs, pollingMs, selfHealMs, peakMB: { webhookAgent: webhookPeak, pollingAgent: pollingPeak } };
}

const CHANGED = 'svc-0000';

/** Push a new value of one ConfigMap, nudge the agent (or not), time until the cluster has it; then wait until the agent is idle. */
async function pushLatencies(repo: RenderedRepo, kube: KubeClient, agent: AgentProcess, edits: number, tag: string, nudge: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 1; i <= edits; i++) {
    const value = `${tag}${i}`;
    const commit = repo.pushConfigMapValue(CHANGED, 'RELEASE', value);
    const started = performance.now();
    await nudge();
    latencies.push(await valueSeen(kube, CHANGED, 'RELEASE', value) - started);
    await agent.finished((r) => r.revision === commit, 180_000);
    progress(`push-to-applied (${tag === 'w' ? 'webhook' : 'polling'}) ${i}/${edits}: ${Math.round(latencies.at(-1)!)} ms`);
  }
  return latencies;
}

/** Change a managed field with kubectl patch (another object each time, so no fight is detected); time until reverted. */
async function selfHealLatencies(plane: ControlPlane, kube: KubeClient, agent: AgentProcess, edits: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 1; i <= edits; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const since = Date.now();
    kubectl(plane, '-n', NAMESPACE, 'patch', 'configmap', name, '--type', 'merge', '-p', JSON.stringify({ data: { LOG_LEVEL: `drift-${i}` } }));
    const patched = performance.now();
    latencies.push(await valueSeen(kube, name, 'LOG_LEVEL', 'info') - patched);
    const reverted = Date.now();
    // The correcting reconcile has finished once it is the last result, or once a later one has.
    const corrected = (r: StoredResult) => Date.parse(r.startedAt) >= since && r.changes.some((c) => c.ref.name === name && c.action === 'configured');
    await agent.finished((r) => corrected(r) || Date.parse(r.startedAt) > reverted, 180_000);
    progress(`self-heal ${i}/${edits}: ${Math.round(latencies.at(-1)!)} ms`);
  }
  return latencies;
}

/** Polls the ConfigMap (GET every 25 ms) until data.<key> is `value`; returns performance.now() then. */
async function valueSeen(kube: KubeClient, name: string, key: string, value: string, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const live = await kube.read('v1', 'ConfigMap', NAMESPACE, name);
    if ((live?.data as Record<string, string> | undefined)?.[key] === value) return performance.now();
    if (performance.now() > deadline) throw new Error(`ConfigMap ${name} did not get ${key}=${value} within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

function freshDir(repo: RenderedRepo, prefix: string): string {
  return mkdtempSync(join(repo.base, prefix));
}

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
