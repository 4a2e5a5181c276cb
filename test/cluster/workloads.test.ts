// Workloads really run on the kwok node: server-side apply of a Deployment with our
// field manager becomes Available; deleting it garbage-collects ReplicaSets and
// Pods; a Job completes.
import { AppsV1Api, BatchV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/cluster.js';
import { waitFor } from '../setup/wait-for.js';

const fieldManager = 'typed-gitops';

function deployment(namespace: string, replicas: number): V1Deployment {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } },
    },
  };
}

describe('workloads on the kwok node', () => {
  const ns = useTestNamespace({ prefix: 'workloads' });

  it('server-side applies a Deployment that becomes Available on the kwok node', async () => {
    const objects = KubernetesObjectApi.makeApiClient(ns.kubeConfig);
    await objects.patch(deployment(ns.name, 2), undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);

    const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    const applied = await apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
    expect(applied.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([fieldManager, 'Apply']);

    const available = await waitFor(
      'Deployment web Available with 2 ready replicas',
      () => apps.readNamespacedDeployment({ name: 'web', namespace: ns.name }),
      (d) => d.status?.readyReplicas === 2 && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true,
    );
    expect(available.status?.availableReplicas).toBe(2);

    const pods = await ns.kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns.name });
    expect(pods.items.map((p) => [p.spec?.nodeName, p.status?.phase])).toEqual([
      ['kwok-node-0', 'Running'],
      ['kwok-node-0', 'Running'],
    ]);
  });

  it('garbage-collects ReplicaSets and Pods when the Deployment is deleted', async () => {
    const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment(ns.name, 1) });
    await waitFor('one Pod', () => core.listNamespacedPod({ namespace: ns.name }), (l) => l.items.length === 1);

    // Background propagation: the Deployment goes at once, the garbage collector removes the rest.
    await apps.deleteNamespacedDeployment({ name: 'web', namespace: ns.name, propagationPolicy: 'Background' });
    await waitFor('no ReplicaSets', () => apps.listNamespacedReplicaSet({ namespace: ns.name }), (l) => l.items.length === 0);
    // kwok's pod-delete stage finalizes terminating pods, as a kubelet would.
    await waitFor('no Pods', () => core.listNamespacedPod({ namespace: ns.name }), (l) => l.items.length === 0);
  });

  it('runs a Job to completion', async () => {
    const batch = ns.kubeConfig.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: ns.name,
      body: {
        metadata: { name: 'once' },
        spec: {
          backoffLimit: 0,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: 'registry.invalid/once:1' }] } },
        },
      },
    });
    const done = await waitFor(
      'Job once Complete',
      () => batch.readNamespacedJob({ name: 'once', namespace: ns.name }),
      (j) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') === true,
    );
    expect(done.status?.succeeded).toBe(1);
  });
});
