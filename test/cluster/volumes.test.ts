// Volumes on the test control plane: a claim without a storage class gets the plane's default one,
// is bound to a host-path PersistentVolume made for it, and a StatefulSet with a volume claim
// template (as apps/redis.ts renders) becomes Healthy; deleting the claim removes volume and folder,
// and so does stopping the plane.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { waitForHealth } from '../../agent/health/wait.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { K8sObject } from '../../agent/types.ts';
import { refOf } from '../../core/kinds.ts';
import { startControlPlane } from '../controlplane/control-plane.ts';
import { isGone, waitFor } from '../setup/wait-for.ts';
import { clusterFrom, useTestNamespace } from '../setup/cluster.ts';

const ns = useTestNamespace({ prefix: 'volumes' });

function claim(namespace: string, name: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}

function statefulSet(namespace: string, name: string): K8sObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace },
    spec: {
      serviceName: name,
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: 'registry.local/db:1.0.0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

describe('volumes on the test control plane', () => {
  it('binds a claim to a host-path volume, and deleting the claim removes the volume and its folder', async () => {
    const kube = new KubeClient(ns.connection);
    await kube.apply(claim(ns.name, 'scratch'));
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const bound = await waitFor('the claim to be bound', () => core.readNamespacedPersistentVolumeClaim({ name: 'scratch', namespace: ns.name }),
      (c) => c.status?.phase === 'Bound', { timeoutMs: 20_000 });
    const volume = await core.readPersistentVolume({ name: bound.spec!.volumeName! });
    const folder = volume.spec?.hostPath?.path ?? '';
    expect(folder).toMatch(/^\/tmp\/hostpath_pv\//);
    expect(existsSync(folder)).toBe(true);

    await core.deleteNamespacedPersistentVolumeClaim({ name: 'scratch', namespace: ns.name });
    await waitFor('the volume to be deleted', () => isGone(() => core.readPersistentVolume({ name: volume.metadata!.name! })), (gone) => gone, { timeoutMs: 20_000 });
    expect(existsSync(folder)).toBe(false);
  });

  it('sees a StatefulSet with a volume claim template become Healthy', async () => {
    const kube = new KubeClient(ns.connection);
    const set = statefulSet(ns.name, 'db');
    await kube.apply(set);
    const report = await waitForHealth(kube, [{ apiVersion: set.apiVersion, ref: refOf(set), app: 'db' }], { timeoutMs: 30_000, pollMs: 250 });
    expect(report.objects.map((o) => `${o.status}: ${o.message}`)).toEqual(['Healthy: StatefulSet db: 2 of 2 replicas ready']);
  });
});

describe('stopping the test control plane', () => {
  it('removes the folders of the volumes it still held', async () => {
    const plane = await startControlPlane();
    try {
      const core = clusterFrom(plane.kubeconfigPath).kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'default', body: claim('default', 'kept') as never });
      const bound = await waitFor('the claim to be bound', () => core.readNamespacedPersistentVolumeClaim({ name: 'kept', namespace: 'default' }),
        (c) => c.status?.phase === 'Bound', { timeoutMs: 20_000 });
      const folder = (await core.readPersistentVolume({ name: bound.spec!.volumeName! })).spec!.hostPath!.path;
      expect(existsSync(folder)).toBe(true);
      await plane.stop();
      expect(existsSync(folder)).toBe(false);
    } finally {
      await plane.stop().catch(() => undefined);
    }
  });
});
