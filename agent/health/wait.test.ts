// waitForHealth against a fake client: what it requests per poll, when it stops, and what it reports.
import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube.ts';
import { refOf } from '../../core/kinds.ts';
import type { K8sObject } from '../types.ts';
import { waitForHealth, type WaitTarget } from './wait.ts';

const deployment = (name: string, available: number): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'h', generation: 1 },
  spec: { replicas: 2 },
  status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: available },
});
const configMap = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'h' } });
const target = (o: K8sObject, app = 'shop'): WaitTarget => ({ apiVersion: o.apiVersion, ref: refOf(o), app });

/** Serves the objects `cluster()` returns at each request, and records the requests. */
function fakeKube(cluster: () => K8sObject[] | Error) {
  const requests: string[] = [];
  const current = () => {
    const objects = cluster();
    if (objects instanceof Error) throw objects;
    return objects;
  };
  const kube = {
    async read(apiVersion: string, kind: string, namespace: string, name: string) {
      requests.push(`read ${kind} ${namespace}/${name}`);
      return current().find((o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata.name === name);
    },
    async list(apiVersion: string, kind: string, options: { namespace?: string }) {
      requests.push(`list ${kind} ${options.namespace}`);
      return current().filter((o) => o.apiVersion === apiVersion && o.kind === kind);
    },
  };
  return { kube: kube as unknown as KubeClient, requests };
}

describe('waitForHealth', () => {
  it('lists each kind and namespace once per poll, reads a lone object, and stops once all are settled', async () => {
    const objects = [deployment('web', 2), deployment('api', 2), configMap('settings')];
    const { kube, requests } = fakeKube(() => objects);
    const report = await waitForHealth(kube, objects.map((o) => target(o)), { timeoutMs: 1_000, pollMs: 10 });
    expect(report.status).toBe('Healthy');
    expect(report.apps.shop).toEqual({ status: 'Healthy', message: '3 objects healthy' });
    expect(requests.sort()).toEqual(['list Deployment h', 'read ConfigMap h/settings']);
  });

  it('polls until the rollout finishes', async () => {
    let polls = 0;
    const { kube } = fakeKube(() => [deployment('web', ++polls < 3 ? 1 : 2)]);
    const report = await waitForHealth(kube, [target(deployment('web', 0))], { timeoutMs: 5_000, pollMs: 10 });
    expect(report.message).toBe('1 object healthy');
    expect(polls).toBe(3);
  });

  it('after the timeout, reports what holds it up, Missing for what is not there', async () => {
    const { kube } = fakeKube(() => [deployment('web', 1)]);
    const report = await waitForHealth(kube, [target(deployment('web', 0)), target(configMap('gone'), 'other')], { timeoutMs: 50, pollMs: 10 });
    expect(report.status).toBe('Missing');
    expect(report.message).toMatch(/^not settled after \d+\.\ds: ConfigMap gone: not found$/);
    expect(report.apps).toEqual({
      other: { status: 'Missing', message: 'ConfigMap gone: not found' },
      shop: { status: 'Progressing', message: 'Deployment web: 1 of 2 replicas available' },
    });
  });

  it('reports objects it cannot read as Unknown, with the error', async () => {
    const { kube } = fakeKube(() => new Error('list Deployment (apps/v1): connection refused'));
    const report = await waitForHealth(kube, [target(deployment('web', 0))], { timeoutMs: 0, pollMs: 10 });
    expect(report.objects[0]).toMatchObject({ status: 'Unknown', message: 'Deployment web: cannot read: list Deployment (apps/v1): connection refused' });
  });
});
