// Two environments in one cluster, against the real API server: two agents (reconcilers, each as the holder of
// its own Lease) sharing the agents' namespace and a team namespace never touch each other's objects, inventory
// or Lease; an object moves from one environment to the other; a prune or an uninstall in one leaves the other alone.
import { AppsV1Api, CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatRef } from '../../core/kinds.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { onceAsLeader } from '../../agent/leadership.ts';
import { uninstall } from '../../install/uninstall.ts';
import { ownerLabels } from '../../core/owner-labels.ts';
import type { K8sObject, ReconcileResult } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, deployment, namespaceObject, quietLog, reconcilerFor, revisionOf, uniqueName } from './harness.ts';
import { namespaces } from './role-only-agent.ts';

const ns = useTestNamespace({ prefix: 'two' });

/** An agent app of `env` in the shared `agents` namespace (which each renders, as GitOpsAgent does). */
function agentApp(env: string, agents: string): K8sObject[] {
  const agent = deployment(agents, `typed-gitops-agent-${env}`);
  const labels = { 'app.kubernetes.io/name': 'gitops-agent', 'app.kubernetes.io/component': env };
  return [namespaceObject(agents), { ...agent, metadata: { ...agent.metadata, labels } }];
}

describe('two environments in one cluster', () => {
  it('keep apart their objects, inventories and Leases, hand an object over, and prune and uninstall only their own', async () => {
    const [team] = await namespaces(ns.kubeConfig, 1);
    const [dev, prod, agents] = [uniqueName('dev'), uniqueName('prod'), uniqueName('agents')];
    // gitops bootstrap of dev made the agents' namespace, as dev's agent app renders it; prod's renders it too.
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: agents, labels: ownerLabels('gitops-agent', dev) } } });
    onTestFinished(() => core.deleteNamespace({ name: agents }).then(() => undefined, () => undefined));
    const agentOf = (env: string) => {
      const reconciler = reconcilerFor(env, agents);
      onTestFinished(() => reconciler.stop());
      const led = onceAsLeader({ connection: ns.connection, namespace: agents, env, reconciler, log: quietLog });
      return (apps: Record<string, K8sObject[]>) => led.reconcile(revisionOf(env, { 'gitops-agent': agentApp(env, agents), ...apps }));
    };
    const [devAgent, prodAgent] = [agentOf(dev), agentOf(prod)];
    const actions = (r: ReconcileResult) => r.changes.filter((c) => c.ref.kind === 'ConfigMap').map((c) => `${c.ref.name} ${c.action}`).sort();

    // Both at once: each holds its own Lease, so neither waits for the other.
    const [first, second] = await Promise.all([
      devAgent({ web: [configMap(team, 'dev-only'), configMap(team, 'moving')] }),
      prodAgent({ web: [configMap(team, 'prod-only')] }),
    ]);
    expect([first.errors, second.errors]).toEqual([[], []]);
    const leases = (await ns.kubeConfig.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: agents })).items.map((l) => l.metadata?.name).sort();
    expect(leases).toEqual([`typed-gitops-${dev}`, `typed-gitops-${prod}`].sort());

    // prod takes `moving` over before dev let it go: it leaves dev's object alone.
    const early = await prodAgent({ web: [configMap(team, 'prod-only'), configMap(team, 'moving', { by: 'prod' })] });
    expect(early.changes.find((c) => c.ref.name === 'moving')).toMatchObject({ action: 'skipped', reason: expect.stringContaining(`is not managed by typed-gitops for ${prod}`) });
    const owner = async (name: string) => (await core.readNamespacedConfigMap({ namespace: team, name })).metadata?.labels?.['typed-gitops.dev/env'];
    expect(await owner('moving')).toBe(dev);
    // dev lets it go (and prunes dev-only): prod's objects stay; then prod creates it as its own.
    expect(actions(await devAgent({ web: [] }))).toEqual(['dev-only pruned', 'moving pruned']);
    expect(await owner('prod-only')).toBe(prod);
    expect(actions(await prodAgent({ web: [configMap(team, 'prod-only'), configMap(team, 'moving', { by: 'prod' })] }))).toEqual(['moving created', 'prod-only unchanged']);
    expect(await owner('moving')).toBe(prod);

    const kube = new KubeClient(ns.connection);
    const recorded = async (env: string) => (await loadInventory(kube, agents, env)).entries.map((e) => formatRef(e.ref)).sort();
    expect(await recorded(dev)).toEqual([`Deployment ${agents}/typed-gitops-agent-${dev}`, `Namespace ${agents}`]);
    expect(await recorded(prod)).toEqual([`ConfigMap ${team}/moving`, `ConfigMap ${team}/prod-only`, `Deployment ${agents}/typed-gitops-agent-${prod}`]);

    // Uninstalling dev's agent, everything: prod's agent, objects, inventory and Lease stay, and so does the namespace they are in.
    const lines: string[] = [];
    await uninstall({ env: dev, namespace: agents, kubeconfig: ns.kubeconfigPath, pruneAll: true, timeoutMs: 30_000, print: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain(`kept Namespace ${agents}`);
    expect((await core.readNamespace({ name: agents })).status?.phase).toBe('Active');
    expect((await ns.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: agents, name: `typed-gitops-agent-${prod}` })).metadata?.name).toBeDefined();
    expect(await recorded(prod)).toHaveLength(3);
    expect(await owner('moving')).toBe(prod);
    expect((await prodAgent({ web: [configMap(team, 'prod-only'), configMap(team, 'moving', { by: 'prod' })] })).errors).toEqual([]);
  });
});
