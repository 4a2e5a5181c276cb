// The lib constructs, one at a time, through the synthConstruct test helper.
import { describe, expect, it } from 'vitest';
import { ScheduledJob, synthConstruct, TeamNamespace, WebService, Worker } from './index.ts';

const kinds = (objects: Array<Record<string, any>>) => objects.map((o) => o.kind).sort();

describe('WebService', () => {
  it('renders Deployment and Service, with Ingress, HPA and PDB when asked, and leaves replicas to the HPA', () => {
    const objects = synthConstruct((scope) => new WebService(scope, 'shop', {
      app: 'web', image: 'ghcr.io/acme/shop:1.2.3', autoscale: { minReplicas: 2, maxReplicas: 5 }, ingress: { host: 'shop.example.com', tlsSecret: 'shop-tls' },
    }));
    expect(kinds(objects)).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Service']);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '1.2.3', 'app.kubernetes.io/managed-by': 'typed-gitops' });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.resources).toEqual({ limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
    expect(objects.find((o) => o.kind === 'Ingress')!.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    expect(objects.find((o) => o.kind === 'PodDisruptionBudget')!.spec.minAvailable).toBe(1);
  });

  it('is just a Deployment and a Service for a single fixed replica', () => {
    const objects = synthConstruct((scope) => new WebService(scope, 'tiny', { app: 'tiny', image: 'ghcr.io/acme/tiny:1', replicas: 1 }));
    expect(kinds(objects)).toEqual(['Deployment', 'Service']);
    expect(objects.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(1);
  });
});

describe('Worker, ScheduledJob, TeamNamespace', () => {
  it('render what they promise', () => {
    expect(kinds(synthConstruct((s) => new Worker(s, 'w', { app: 'a', image: 'x/y:1', readiness: { command: ['true'] } })))).toEqual(['Deployment']);
    const [cron] = synthConstruct((s) => new ScheduledJob(s, 'nightly', { app: 'a', image: 'x/y:1', schedule: '30 2 * * *', suspend: true }));
    expect(cron).toMatchObject({ kind: 'CronJob', spec: { schedule: '30 2 * * *', suspend: true, concurrencyPolicy: 'Forbid' } });
    const ns = synthConstruct((s) => new TeamNamespace(s, 'team', { name: 'team-a', team: 'a', cpuCores: 2 }));
    expect(kinds(ns)).toEqual(['Namespace', 'ResourceQuota']);
    expect(ns.find((o) => o.kind === 'ResourceQuota')!.spec.hard).toEqual({ 'requests.cpu': '2', 'requests.memory': '16Gi' });
  });
});
