// The 'invalid-value' rule agrees with the real API server: each value it refuses, the server refuses too (a
// server-side dry-run apply, naming the same field), and the bounds themselves pass both.
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { objectFindings } from '../../compiler/validate/object-rules.ts';
import { synthObject, testConfig } from '../../compiler/validate/testing.ts';
import { useTestNamespace } from '../setup/cluster.js';

type Make = (value: unknown) => K8sObject;

const labels = { app: 'web' };
const podSpec = (extra: Record<string, unknown> = {}, port: Record<string, unknown> = {}) => ({
  containers: [{ name: 'web', image: 'registry.invalid/web:1', ports: [{ containerPort: 8080, ...port }] }], ...extra,
});
const workload = (kind: string, spec: Record<string, unknown>, apiVersion = 'apps/v1'): K8sObject => ({
  apiVersion, kind, metadata: { name: 'web' },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec() }, ...spec },
});
const job = (spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' },
  spec: { template: { spec: { ...podSpec(), restartPolicy: 'Never' } }, ...spec },
});
const hpa = (spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, ...spec },
});
const service = (port: Record<string, unknown>): K8sObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: labels, ports: [{ port: 80, ...port }] } });

/** Each field: how to make an object with a value there, its path, values the server refuses and the bounds it accepts. */
const CASES: readonly { field: string; make: Make; bad: readonly unknown[]; good: readonly unknown[] }[] = [
  { field: 'spec.replicas', make: (v) => workload('Deployment', { replicas: v }), bad: [-1], good: [0] },
  { field: 'spec.replicas', make: (v) => workload('StatefulSet', { replicas: v, serviceName: 'web' }), bad: [-2], good: [0] },
  { field: 'spec.revisionHistoryLimit', make: (v) => workload('Deployment', { revisionHistoryLimit: v }), bad: [-1], good: [0] },
  { field: 'spec.template.spec.containers[0].ports[0].containerPort', make: (v) => workload('Deployment', { template: { metadata: { labels }, spec: podSpec({}, { containerPort: v }) } }), bad: [0, 65536], good: [1, 65535] },
  { field: 'spec.template.spec.containers[0].ports[0].hostPort', make: (v) => workload('Deployment', { template: { metadata: { labels }, spec: podSpec({}, { hostPort: v }) } }), bad: [70000], good: [0, 8080] },
  { field: 'spec.template.spec.activeDeadlineSeconds', make: (v) => job({ template: { spec: { ...podSpec({ activeDeadlineSeconds: v }), restartPolicy: 'Never' } } }), bad: [0], good: [1] },
  { field: 'spec.ports[0].port', make: (v) => service({ port: v }), bad: [0, 70000], good: [1, 65535] },
  { field: 'spec.ports[0].targetPort', make: (v) => service({ targetPort: v }), bad: [70000], good: [65535] },
  { field: 'spec.minReadySeconds', make: (v) => workload('DaemonSet', { minReadySeconds: v }), bad: [-1], good: [0] },
  { field: 'spec.progressDeadlineSeconds', make: (v) => workload('Deployment', { progressDeadlineSeconds: v }), bad: [-1], good: [600] },
  { field: 'spec.progressDeadlineSeconds', make: (v) => workload('Deployment', { minReadySeconds: 10, progressDeadlineSeconds: v }), bad: [10, 5], good: [11] },
  { field: 'spec.template.spec.initContainers[0].ports[0].containerPort', make: (v) => workload('ReplicaSet', { template: { metadata: { labels }, spec: { ...podSpec(), initContainers: [{ name: 'init', image: 'registry.invalid/init:1', ports: [{ containerPort: v }] }] } } }), bad: [0], good: [1] },
  { field: 'spec.completions', make: (v) => job({ completions: v }), bad: [-1], good: [0] },
  { field: 'spec.ttlSecondsAfterFinished', make: (v) => job({ ttlSecondsAfterFinished: v }), bad: [-1], good: [0] },
  { field: 'spec.startingDeadlineSeconds', make: (v) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', startingDeadlineSeconds: v, jobTemplate: { spec: job({}).spec } } }), bad: [-1], good: [0] },
  { field: 'spec.maxUnavailable', make: (v) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: labels }, maxUnavailable: v } }), bad: [-1, '101%'], good: [0, '100%'] },
  { field: 'spec.backoffLimit', make: (v) => job({ backoffLimit: v }), bad: [-1], good: [0] },
  { field: 'spec.activeDeadlineSeconds', make: (v) => job({ activeDeadlineSeconds: v }), bad: [-1], good: [0] },
  { field: 'spec.parallelism', make: (v) => job({ parallelism: v }), bad: [-1], good: [0] },
  { field: 'spec.successfulJobsHistoryLimit', make: (v) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', successfulJobsHistoryLimit: v, jobTemplate: { spec: job({}).spec } } }), bad: [-1], good: [0] },
  { field: 'spec.minReplicas', make: (v) => hpa({ minReplicas: v }), bad: [-1], good: [1] },
  { field: 'spec.maxReplicas', make: (v) => hpa({ minReplicas: 1, maxReplicas: v }), bad: [0], good: [1] },
  { field: 'spec.maxReplicas', make: (v) => hpa({ minReplicas: 3, maxReplicas: v }), bad: [2], good: [3] },
  { field: 'spec.minAvailable', make: (v) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { selector: { matchLabels: labels }, minAvailable: v } }), bad: [-1, '150%'], good: [0, '100%'] },
];

describe('invalid-value against the API server', () => {
  const ns = useTestNamespace({ prefix: 'values' });
  const env = testConfig().environments[0]!;
  const ours = (object: K8sObject) => objectFindings(synthObject(object), env).filter((d) => d.rule === 'invalid-value').map((d) => d.message);
  const server = async (object: K8sObject): Promise<string> => {
    const objects = KubernetesObjectApi.makeApiClient(ns.kubeConfig);
    const body = { ...object, metadata: { ...object.metadata, namespace: ns.name } };
    return objects.patch(body, undefined, 'All', 'typed-gitops', true, PatchStrategy.ServerSideApply).then(() => 'accepted', (e: { body?: unknown }) => String(e.body));
  };

  it.each(CASES)('$field: refused by both, the bounds accepted by both', async ({ field, make, bad, good }) => {
    for (const value of bad) {
      expect(await server(make(value)), `${field}=${JSON.stringify(value)} on the server`).toContain(field);
      expect(ours(make(value)), `${field}=${JSON.stringify(value)} in synth`).toEqual([expect.stringMatching(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: ${JSON.stringify(value)} must`))]);
    }
    for (const value of good) {
      expect(await server(make(value)), `${field}=${JSON.stringify(value)} on the server`).toBe('accepted');
      expect(ours(make(value)), `${field}=${JSON.stringify(value)} in synth`).toEqual([]);
    }
  });
});
