// The fixes to built-in kinds against a real control plane: a LoadBalancer whose controller
// publishes an entry without an address, a PodDisruptionBudget before and after the disruption
// controller writes its status, and an APIService whose service does not exist (its own plane:
// an unavailable aggregated API disturbs discovery for everyone on the plane).
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { refOf } from '../../core/kinds.ts';
import { waitForHealth } from '../../agent/health/wait.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { K8sObject } from '../../agent/types.ts';
import { useFreshControlPlane, useTestNamespace, type TestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { service } from './harness.ts';

const target = (o: K8sObject) => [{ apiVersion: o.apiVersion, ref: refOf(o), app: 'shop' }];

async function applied(ns: TestNamespace, object: K8sObject): Promise<KubeClient> {
  const kube = new KubeClient(ns.connection);
  await kube.apply(object);
  return kube;
}

describe('built-in kinds', () => {
  const ns = useTestNamespace({ prefix: 'builtin-health' });

  it('settles a LoadBalancer whose status holds an entry without ip or hostname', async () => {
    const lb = { ...service(ns.name, 'lb'), spec: { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 80, targetPort: 8080 }] } };
    const kube = await applied(ns, lb);
    const before = await waitForHealth(kube, target(lb), { timeoutMs: 0, pollMs: 100 });
    expect(before.objects[0]).toMatchObject({ status: 'Progressing', message: 'Service lb: waiting for a load balancer address' });

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const live = await core.readNamespacedService({ name: 'lb', namespace: ns.name });
    await core.replaceNamespacedServiceStatus({ name: 'lb', namespace: ns.name, body: { ...live, status: { loadBalancer: { ingress: [{}] } } } });
    const after = await waitForHealth(kube, target(lb), { timeoutMs: 5_000, pollMs: 100 });
    expect(after.objects[0]).toMatchObject({ status: 'Healthy', message: 'Service lb: load balancer provisioned (no address published)' });
  });

  it('waits for the disruption controller to write a PodDisruptionBudget status', async () => {
    const pdb: K8sObject = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: ns.name }, spec: { minAvailable: 0, selector: { matchLabels: { app: 'web' } } } };
    const kube = await applied(ns, pdb);
    const report = await waitForHealth(kube, target(pdb), { timeoutMs: 20_000, pollMs: 100 });
    expect(report.objects[0]).toMatchObject({ status: 'Healthy', message: 'PodDisruptionBudget web: 0 healthy pods, 0 disruptions allowed' });
  });
});

describe('APIService', () => {
  const fresh = useFreshControlPlane();
  const ns = useTestNamespace({ prefix: 'apiservice', cluster: fresh });

  it('calls an aggregated API whose service does not exist Degraded, not Healthy', async () => {
    const apiService: K8sObject = {
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.gadgets.typed-gitops.dev' },
      spec: { group: 'gadgets.typed-gitops.dev', version: 'v1', service: { name: 'missing', namespace: ns.name, port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 10 },
    };
    const kube = await applied(ns, apiService);
    const report = await waitFor('the APIService to be assessed', () => waitForHealth(kube, target(apiService), { timeoutMs: 0, pollMs: 100 }),
      (r) => r.objects[0]?.status !== 'Progressing', { timeoutMs: 20_000, intervalMs: 200 });
    expect(report.objects[0]).toMatchObject({ status: 'Degraded', message: expect.stringMatching(/^APIService v1\.gadgets\.typed-gitops\.dev: not available: ServiceNotFound: /) });
    await kube.delete({ ...refOf(apiService), apiVersion: apiService.apiVersion }, 'Background');
  });
});
