// Drift against a real kube-apiserver: the watch-fed agent puts back what someone changed or
// deleted, leaves alone the fields it does not set, reports instead of healing when told to,
// and stops a fight with another writer.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { Agent } from '../../agent/run.ts';
import type { K8sObject } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, deployment } from './harness.ts';
import { startWatchingAgent, until, type WatchingAgent } from './watching-agent.ts';

const ns = useTestNamespace({ prefix: 'heal' });
const run = promisify(execFile);
const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, ...args]);

let running: WatchingAgent | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await running?.stop();
  running = agent = undefined;
});

async function startWith(objects: K8sObject[], options: { selfHeal?: boolean } = {}) {
  running = await startWatchingAgent(ns.name, { app: objects }, options);
  agent = running.agent;
}

describe('self-heal', () => {
  it('takes its own writes for no drift: a new revision is applied with no reconcile after it, a hand edit still is one', async () => {
    await startWith([configMap(ns.name, 'settings', { a: '1' }), deployment(ns.name, 'web', 'registry.local/web:1')]);
    await new Promise((r) => setTimeout(r, 1_000)); // the first sync's events are in
    running!.drifts.length = 0;
    await running!.commit({ app: [configMap(ns.name, 'settings', { a: '2' }), deployment(ns.name, 'web', 'registry.local/web:2')] });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(running!.drifts).toEqual([]);
    await kubectl('set', 'image', 'deployment/web', 'app=registry.local/hacked:9');
    await until('the hand edit to be seen as drift', () => running!.drifts.some((d) => d.kind === 'Deployment' && d.name === 'web'), 5_000);
  });

  it('reverts a changed managed field within 5 s', async () => {
    await startWith([deployment(ns.name, 'web', 'registry.local/web:1')]);
    await kubectl('set', 'image', 'deployment/web', 'app=registry.local/hacked:9');
    const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    const image = async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name })).spec?.template.spec?.containers[0].image;
    await until('the image to be put back', async () => (await image()) === 'registry.local/web:1', 5_000);
  });

  it('brings back a deleted managed object', async () => {
    await startWith([configMap(ns.name, 'settings', { a: '1' })]);
    await kubectl('delete', 'configmap', 'settings');
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await until('the ConfigMap to come back', async () => (await core.listNamespacedConfigMap({ namespace: ns.name })).items.some((c) => c.metadata?.name === 'settings'), 5_000);
  });

  it('does not fight over replicas it does not set (scaled by hand or by an HPA)', async () => {
    const web = deployment(ns.name, 'web');
    delete (web.spec as { replicas?: number }).replicas; // owned by an HPA, so not in git
    await startWith([web]);
    await kubectl('scale', 'deployment/web', '--replicas=3');
    await new Promise((r) => setTimeout(r, 2_000));
    const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name })).spec?.replicas).toBe(3);
    agent!.trigger(); // a full reconcile agrees: nothing to correct
    await new Promise((r) => setTimeout(r, 500));
    expect(agent!.lastResult()?.changes.map((c) => c.action)).toEqual(['unchanged']);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name })).spec?.replicas).toBe(3);
  });

  it('only reports drift when self-heal is off', async () => {
    await startWith([configMap(ns.name, 'settings', { a: '1' })], { selfHeal: false });
    await kubectl('patch', 'configmap', 'settings', '-p', '{"data":{"a":"2"}}');
    await until('the drift to be reported', () => agent!.lastResult()?.changes[0]?.action === 'skipped', 5_000);
    expect(agent!.lastResult()?.changes[0].reason).toMatch(/changed in the cluster \(drift from git\); self-heal is off/);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: ns.name })).data).toEqual({ a: '2' });
  });

  it('reports a fight instead of looping when another writer keeps undoing it', async () => {
    await startWith([configMap(ns.name, 'settings', { a: '1' })]);
    const deadline = Date.now() + 15_000;
    let n = 0;
    while (Date.now() < deadline && agent!.lastResult()?.changes[0]?.action !== 'skipped') {
      await kubectl('patch', 'configmap', 'settings', '--field-manager', 'rogue-controller', '-p', `{"data":{"a":"rogue-${n++}"}}`);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(agent!.lastResult()?.changes[0]).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/^fight: changed back 3 times .* by rogue-controller/) });
  });
});
