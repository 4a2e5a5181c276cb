// Health against a real control plane with kwok nodes: waitForHealth sees a Deployment become
// Healthy, a Deployment whose pods cannot be scheduled go Progressing and then Degraded past its
// progress deadline, and a Job complete.
import { describe, expect, it } from 'vitest';
import { refOf } from '../../core/kinds.ts';
import { waitForHealth, type WaitTarget } from '../../agent/health/wait.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { K8sObject } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { configMap, deployment, service } from './harness.ts';

const ns = useTestNamespace({ prefix: 'health' });

async function applyAll(objects: K8sObject[], app: string): Promise<{ kube: KubeClient; targets: WaitTarget[] }> {
  const kube = new KubeClient(ns.connection);
  for (const o of objects) await kube.apply(o);
  return { kube, targets: objects.map((o) => ({ apiVersion: o.apiVersion, ref: refOf(o), app })) };
}

/** A Deployment whose pods match no node, so they stay Pending until its progress deadline. */
function unschedulable(namespace: string, name: string, progressDeadlineSeconds: number): K8sObject {
  const d = deployment(namespace, name);
  const spec = d.spec as { replicas: number; progressDeadlineSeconds?: number; template: { spec: Record<string, unknown> } };
  spec.replicas = 2;
  spec.progressDeadlineSeconds = progressDeadlineSeconds;
  spec.template.spec.nodeSelector = { 'typed-gitops.dev/no-such-node': 'true' };
  return d;
}

function job(namespace: string, name: string): K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.local/migrate:1.0.0' }] } } },
  };
}

describe('waitForHealth', () => {
  it('sees a Deployment (with its Service and ConfigMap) become Healthy', async () => {
    const { kube, targets } = await applyAll([configMap(ns.name, 'web-config'), deployment(ns.name, 'web'), service(ns.name, 'web')], 'web');
    const report = await waitForHealth(kube, targets, { timeoutMs: 30_000, pollMs: 250 });
    expect(report.objects.map((o) => o.message)).toEqual([
      'ConfigMap web-config: no status to assess',
      'Deployment web: 1 of 1 replica available',
      'Service web: ClusterIP',
    ]);
    expect(report.apps).toEqual({ web: { status: 'Healthy', message: '3 objects healthy' } });
    expect(report.status).toBe('Healthy');
  });

  it('reports a Deployment whose pods never run as Progressing, then Degraded with its reason', async () => {
    const { kube, targets } = await applyAll([unschedulable(ns.name, 'stuck', 5)], 'stuck');
    const early = await waitForHealth(kube, targets, { timeoutMs: 1_000, pollMs: 250 });
    expect(early.status).toBe('Progressing');
    expect(early.message).toMatch(/^not settled after \d+\.\ds: Deployment stuck: /);

    const late = await waitFor('the Deployment to be Degraded', () => waitForHealth(kube, targets, { timeoutMs: 0, pollMs: 250 }),
      (r) => r.status === 'Degraded', { timeoutMs: 30_000, intervalMs: 500 });
    expect(late.apps.stuck).toEqual({ status: 'Degraded', message: 'Deployment stuck: rollout stuck: ProgressDeadlineExceeded, 0 of 2 replicas available' });
  });

  it('sees a Job complete', async () => {
    const { kube, targets } = await applyAll([job(ns.name, 'migrate')], 'migrate');
    const report = await waitForHealth(kube, targets, { timeoutMs: 30_000, pollMs: 250 });
    // The succeeded count can trail the Complete condition by one status update.
    expect(report.objects[0]).toMatchObject({ status: 'Healthy', message: expect.stringMatching(/^Job migrate: completed \([01] of 1 succeeded\)$/) });
  });
});
