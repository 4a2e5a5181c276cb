// The fault suite's common ground: a scene (environment, namespace, rendered branch in a real git
// remote), the agent as the user runs it (in this process, or as a `gitops agent` child), the checks
// every fault ends with, and the time each fault took to converge.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { destination } from 'pino';
import { expect } from 'vitest';
import { refKey, refOf } from '../../core/kinds.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { loadConnection, type KubeConnection } from '../../agent/kubeconfig.ts';
import { createLogger } from '../../agent/log.ts';
import { createReconciler, type Reconciler } from '../../agent/reconcile.ts';
import { startAgent, type Agent } from '../../agent/run.ts';
import { openSource, type SourceOptions } from '../../agent/source.ts';
import type { ReconcileResult, Revision } from '../../agent/types.ts';
import { readStatus, type StoredResult } from '../../agent/status-command.ts';
import { renderedRemote, startDaemon, tempDir, type RenderedRemote } from '../agent-source/fixtures.ts';
import { retargetKubeconfig } from '../controlplane/kubeconfig.js';
import { startTcpProxy, type TcpProxy } from '../controlplane/tcp-proxy.js';
import type { GitDaemon } from '../helpers/git-daemon.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import type { Cluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { renderedYaml, uniqueName } from '../agent/harness.ts';

export const BRANCH = 'rendered';
const GITOPS = join(REPO_ROOT, 'bin', 'gitops.js');

/** One environment of a fault test: its namespace holds the objects and the agent's inventory and status. */
export interface Scene {
  readonly env: string;
  readonly namespace: string;
  readonly cluster: Cluster;
  readonly remote: RenderedRemote;
  /** Commits exactly these ConfigMaps (name -> value) for the environment; returns the commit. */
  publish(values: Readonly<Record<string, string>>, extra?: {
    readonly annotations?: Readonly<Record<string, Record<string, string>>>;
    /** Other files of the commit (path -> content, null removes), e.g. a large one outside the environment. */
    readonly files?: Readonly<Record<string, string | null>>;
  }): string;
  /** The ConfigMaps of the environment in the cluster: name -> value. */
  live(): Promise<Record<string, string>>;
}

export async function scene(cluster: Cluster, prefix: string): Promise<Scene> {
  const env = uniqueName(prefix);
  const namespace = env;
  const kube = new KubeClient(cluster.connection);
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const remote = renderedRemote(BRANCH);
  let published = new Set<string>();
  const file = (name: string) => `${env}/app/${namespace}/configmap-${name}.yaml`;
  return {
    env, namespace, cluster, remote,
    publish(values, extra = {}) {
      const files: Record<string, string | null> = { ...extra.files };
      for (const name of published) if (!(name in values)) files[file(name)] = null;
      for (const [name, value] of Object.entries(values)) {
        const annotations = extra.annotations?.[name];
        files[file(name)] = renderedYaml(env, 'app', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, data: { value } });
      }
      published = new Set(Object.keys(values));
      return remote.commit(files, uniqueName('source'));
    },
    async live() {
      const objects = await kube.list('v1', 'ConfigMap', { namespace, labelSelector: `typed-gitops.dev/env=${env}` });
      return Object.fromEntries(objects.map((o) => [o.metadata.name, (o.data as Record<string, string> | undefined)?.value ?? '']));
    },
  };
}

/** The scene's remote over git:// (a git daemon on loopback) behind a fault proxy: `url` goes through the proxy. */
export async function servedThroughProxy(s: Scene): Promise<{ daemon: GitDaemon; proxy: TcpProxy; url: string }> {
  const daemon = await startDaemon(s.remote.baseDir);
  const proxy = await startTcpProxy({ port: Number(new URL(daemon.url('remote.git')).port) });
  proxies.add(proxy);
  return { daemon, proxy, url: `git://127.0.0.1:${proxy.port}/remote.git` };
}

/** A fault proxy in front of the API server at `port`, and a connection to the server through it. */
export async function apiServerProxy(port: number, kubeconfigPath: string): Promise<{ proxy: TcpProxy; connection: KubeConnection }> {
  const proxy = await startTcpProxy({ port });
  proxies.add(proxy);
  const kubeconfig = join(tempDir('fault-proxy-'), 'kubeconfig');
  retargetKubeconfig(kubeconfigPath, kubeconfig, proxy.url);
  return { proxy, connection: loadConnection(kubeconfig) };
}

const proxies = new Set<TcpProxy>();
/** Closes every proxy servedThroughProxy or apiServerProxy started (afterAll). */
export async function closeProxies(): Promise<void> {
  await Promise.all([...proxies].map((p) => p.close()));
  proxies.clear();
}

/** `count` ConfigMaps cm-000 … with the same value. */
export function configMaps(count: number, value: string, prefix = 'cm'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}-${String(i).padStart(3, '0')}`, value]));
}

/** A ConfigMap someone else made in the namespace (no owner labels): it must survive every fault. */
export async function bystander(s: Scene): Promise<() => Promise<boolean>> {
  const kube = new KubeClient(s.cluster.connection);
  await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander', namespace: s.namespace }, data: { owner: 'someone else' } });
  return async () => (await kube.read('v1', 'ConfigMap', s.namespace, 'bystander'))?.data !== undefined;
}

export interface InProcessAgent {
  readonly agent: Agent;
  readonly reconciler: Reconciler;
  /** Every finished reconcile, in order: shows that a fault hit one mid-way. */
  readonly results: readonly ReconcileResult[];
  stop(): Promise<void>;
}

/** The agent loop as `gitops agent` builds it (watch cache, self-heal, prune), in this process, for faults timed to a request. */
export async function inProcessAgent(s: Scene, options: { url?: string; connection?: KubeConnection; interval?: number; source?: Partial<SourceOptions> } = {}): Promise<InProcessAgent> {
  const log = createLogger({ level: 'info', destination: destination({ dest: join(tempDir('fault-log-'), 'agent.log'), sync: false }) });
  let agent: Agent | undefined;
  const reconciler = createReconciler({
    connection: options.connection ?? s.cluster.connection, env: s.env, namespace: s.namespace,
    prune: true, allowEmpty: false, force: true, healthTimeoutMs: 0, watch: true, onDrift: () => agent?.trigger(), log,
  });
  const source = openSource({ url: options.url ?? s.remote.path, branch: BRANCH, cacheDir: tempDir('fault-clone-'), log, ...options.source });
  const results: ReconcileResult[] = [];
  const recorded = { ...reconciler, reconcile: async (r: Revision) => { const result = await reconciler.reconcile(r); results.push(result); return result; } };
  agent = await startAgent({ source, env: s.env, reconciler: recorded, interval: options.interval ?? 500, maxBackoff: 2_000, stopTimeout: 5_000, log });
  return { agent, reconciler, results, stop: async () => { await agent!.stop(); reconciler.stop(); } };
}

export interface AgentChild {
  readonly process: ChildProcess;
  readonly logFile: string;
  /** SIGKILL, resolved once it is gone. */
  kill(): Promise<void>;
}

/** `gitops agent` as a user starts it, in a folder without gitops.config.ts (the built-in defaults apply). */
export function agentChild(s: Scene, options: { kubeconfig: string; cacheDir: string; repo?: string; interval?: string; extra?: readonly string[] }): AgentChild {
  const logFile = join(tempDir('fault-agent-'), 'agent.log');
  const args = [GITOPS, 'agent', '--repo', options.repo ?? s.remote.path, '--branch', BRANCH, '--env', s.env, '--namespace', s.namespace, '--kubeconfig', options.kubeconfig,
    '--cache-dir', options.cacheDir, '--interval', options.interval ?? '1s', '--listen', '127.0.0.1:0', '--health-timeout', '0s', ...(options.extra ?? [])];
  const child = spawn(process.execPath, args, { cwd: tempDir('fault-cwd-'), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(logFile);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  running.add(child);
  child.on('exit', () => running.delete(child));
  return {
    process: child, logFile,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const running = new Set<ChildProcess>();
/** Kills every agent child still running (afterAll). */
export function killAgents(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Everything a failed result says went wrong: its errors and the reasons of its failed objects. */
export function failures(result: ReconcileResult | undefined): string {
  return result ? [...result.errors, ...result.changes.filter((c) => c.action === 'failed').map((c) => c.reason ?? '')].join('\n') : '';
}

/** Waits until the status names `commit` and says ok, i.e. the agent has synced the newest revision. */
export async function convergedAt(s: Scene, commit: string, timeoutMs = 60_000): Promise<StoredResult> {
  return waitFor(`the status of ${s.env} to be ok at ${commit.slice(0, 12)}`, () => readStatus(s.cluster.connection, s.namespace, s.env),
    (r) => r.revision === commit && r.ok, { timeoutMs, intervalMs: 100 });
}

/**
 * What every fault ends with: the live objects are exactly the revision's, the inventory lists exactly
 * what the agent owns in the cluster, and the status names the revision and what happened.
 */
export async function expectConsistent(s: Scene, commit: string, values: Readonly<Record<string, string>>, options: { untracked?: readonly string[] } = {}): Promise<StoredResult> {
  const kube = new KubeClient(s.cluster.connection);
  const live = await s.live();
  const untracked = new Set(options.untracked ?? []);
  expect(Object.fromEntries(Object.entries(live).filter(([name]) => !untracked.has(name)))).toEqual(values);
  const owned = (await kube.list('v1', 'ConfigMap', { labelSelector: `typed-gitops.dev/env=${s.env}` }))
    .filter((o) => !untracked.has(o.metadata.name ?? ''))
    .map((o) => refKey(refOf(o)));
  const inventory = await loadInventory(kube, s.namespace, s.env);
  expect(inventory.entries.map((e) => refKey(e.ref)).sort()).toEqual(owned.sort());
  const status = await readStatus(s.cluster.connection, s.namespace, s.env);
  expect(status).toMatchObject({ env: s.env, revision: commit, ok: true, errors: [] });
  return status;
}

/**
 * Prints and collects how long a fault took to converge (recorded, never asserted): from the moment
 * it ended (`healedAt`), or, for a fault that lasts, from its start.
 */
export function recordConvergence(fault: string, times: { readonly startedAt: number; readonly healedAt?: number }, now = Date.now()): void {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const from = times.healedAt ?? times.startedAt;
  const detail = times.healedAt === undefined ? 'under the fault' : `after the fault ended, ${seconds(now - times.startedAt)} s from its start`;
  console.log(`[fault] ${fault}: converged in ${seconds(now - from)} s (${detail})`);
  const dir = join(REPO_ROOT, '.gitops-cache', 'faults');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'convergence.jsonl'), `${JSON.stringify({ fault, convergedMs: now - from, sinceStartMs: now - times.startedAt, at: new Date(now).toISOString() })}\n`);
}

/** Polls until `check` holds (at most `timeoutMs`); for timing a fault to the agent's progress. */
export async function when(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}
