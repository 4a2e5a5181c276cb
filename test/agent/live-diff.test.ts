// `gitops diff --live` against the real control plane: after the agent applied one revision, the next one
// shows what it would add, change and prune, objects in a namespace not there yet as added, and writes nothing.
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeClient } from '../../agent/kube.ts';
import { liveChanges } from '../../compiler/live-diff.ts';
import { formatChanges } from '../../compiler/diff-format.ts';
import { sharedCluster, useTestNamespace } from '../setup/cluster.ts';
import { configMap, deployment, namespaceObject, reconcilerFor, revisionOf, service, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'livediff' });

describe('gitops diff --live', () => {
  it('shows added, changed and pruned objects from a server dry run, new namespaces as added, and writes nothing', async () => {
    const env = uniqueName('env');
    const fresh = uniqueName('fresh');
    const base = [deployment(ns.name, 'steady'), configMap(ns.name, 'changeme', { key: 'v1' })];
    const applied = await reconcilerFor(env, ns.name).reconcile(revisionOf(env, { web: base, old: [configMap(ns.name, 'gone')] }));
    expect(applied.errors).toEqual([]);

    const next = revisionOf(env, {
      web: [deployment(ns.name, 'steady'), configMap(ns.name, 'changeme', { key: 'v2' }), configMap(ns.name, 'new')],
      team: [namespaceObject(fresh), configMap(fresh, 'inside')],
    });
    const changes = await liveChanges(new KubeClient(sharedCluster().connection), next, { agentNamespace: ns.name });

    expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      `removed ${env}/old/${ns.name}/configmap-gone.yaml`,
      `added ${env}/team/${fresh}/configmap-inside.yaml`,
      `added ${env}/team/_cluster/namespace-${fresh}.yaml`,
      `changed ${env}/web/${ns.name}/configmap-changeme.yaml`,
      `added ${env}/web/${ns.name}/configmap-new.yaml`,
    ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)));
    const changed = changes.find((c) => c.kind === 'changed')!;
    expect(changed.patch).toContain('-  key: v1');
    expect(changed.patch).toContain('+  key: v2');
    expect(changed.patch).not.toMatch(/managedFields|resourceVersion|creationTimestamp|uid:/);
    expect(formatChanges(changes, { against: 'the live cluster', markdown: true })).toContain(`| \`${env}/web\` | 1 | 1 | 0 |`);

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'changeme', namespace: ns.name })).data).toEqual({ key: 'v1' });
    await expect(core.readNamespacedConfigMap({ name: 'new', namespace: ns.name })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespace({ name: fresh })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses what the server would refuse, naming the file and the reason', async () => {
    const env = uniqueName('env');
    const bad = { ...service(ns.name, 'bad'), spec: { selector: { app: 'bad' }, ports: [{ port: 99999 }] } };
    await expect(liveChanges(new KubeClient(sharedCluster().connection), revisionOf(env, { web: [bad] }), { agentNamespace: ns.name }))
      .rejects.toThrow(new RegExp(`${env}/web/${ns.name}/service-bad.yaml:1: .*spec.ports\\[0\\].port: Invalid value: 99999`));
  });
});
