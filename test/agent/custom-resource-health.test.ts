// Health of custom resources against a real control plane: CRDs with a status subresource are
// applied for real, the status is written through that subresource (as a controller writes it),
// and waitForHealth observes it. A fresh plane, since CRDs are cluster-scoped.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { refOf } from '../../core/kinds.ts';
import { waitForHealth, type WaitTarget } from '../../agent/health/wait.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { K8sObject } from '../../agent/types.ts';
import { useFreshControlPlane, useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { reconcilerFor, revisionOf, uniqueName } from './harness.ts';

/** A namespaced CRD with a status subresource and a schema that keeps any spec and status. */
function statusCrd(group: string, kind: string): K8sObject {
  const plural = `${kind.toLowerCase()}s`;
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group, scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } } }],
    },
  };
}

describe('health of custom resources', () => {
  const fresh = useFreshControlPlane();
  const ns = useTestNamespace({ prefix: 'crhealth', cluster: fresh });

  async function setUp(group: string, kind: string, spec: object): Promise<{ kube: KubeClient; object: K8sObject; targets: WaitTarget[]; writeStatus: (status: object) => Promise<void> }> {
    const kube = new KubeClient(ns.connection);
    const crd = statusCrd(group, kind);
    await kube.apply(crd);
    await waitFor(`${kind} CRD Established`, () => kube.read('apiextensions.k8s.io/v1', 'CustomResourceDefinition', '', crd.metadata.name!),
      (c) => (c?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') === true);
    const object: K8sObject = { apiVersion: `${group}/v1`, kind, metadata: { name: 'one', namespace: ns.name }, spec };
    // Discovery of a new group can lag a moment behind Established.
    await waitFor(`${kind} accepted`, () => kube.apply(object), () => true);
    const api = ns.kubeConfig.makeApiClient(CustomObjectsApi);
    const where = { group, version: 'v1', namespace: ns.name, plural: `${kind.toLowerCase()}s`, name: 'one' };
    const writeStatus = async (status: object) => {
      const live = (await api.getNamespacedCustomObject(where)) as K8sObject;
      await api.replaceNamespacedCustomObjectStatus({ ...where, body: { ...live, status } });
    };
    return { kube, object, targets: [{ apiVersion: object.apiVersion, ref: refOf(object), app: 'shop' }], writeStatus };
  }

  it('does not take a custom resource its controller has not yet looked at for settled, and sees its status arrive', async () => {
    const { kube, targets, writeStatus } = await setUp('widgets.typed-gitops.dev', 'Widget', { size: 1 });
    const early = await waitForHealth(kube, targets, { timeoutMs: 500, pollMs: 100 });
    expect(early.objects[0]).toMatchObject({ status: 'Progressing', message: 'Widget one: waiting for its controller to write a status' });

    const waiting = waitForHealth(kube, targets, { timeoutMs: 20_000, pollMs: 100 });
    await writeStatus({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Provisioned', message: 'size 1 ready', lastTransitionTime: '2026-11-26T07:21:03Z' }] });
    expect((await waiting).objects[0]).toMatchObject({ status: 'Healthy', message: 'Widget one: ready' });
  });

  it('waits through a cert-manager issuance (Ready=False while Issuing) instead of calling it Degraded', async () => {
    const { kube, targets, writeStatus } = await setUp('cert-manager.io', 'Certificate', { secretName: 'web-tls', dnsNames: ['web.example.com'], issuerRef: { name: 'ca', kind: 'Issuer' } });
    const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, observedGeneration: 1, lastTransitionTime: '2026-11-26T07:21:03Z' });
    await writeStatus({ conditions: [
      condition('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist'),
      condition('Issuing', 'True', 'DoesNotExist', 'Issuing certificate as Secret does not exist'),
    ] });
    const issuing = await waitForHealth(kube, targets, { timeoutMs: 500, pollMs: 100 });
    expect(issuing.objects[0]).toMatchObject({ status: 'Progressing', message: 'Certificate one: issuing: DoesNotExist: Issuing certificate as Secret does not exist' });

    const waiting = waitForHealth(kube, targets, { timeoutMs: 20_000, pollMs: 100 });
    await writeStatus({ conditions: [condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')] });
    expect((await waiting).objects[0]).toMatchObject({ status: 'Healthy', message: 'Certificate one: issued: Ready: Certificate is up to date and has not expired' });
  });

  it('applies the health rules rendered into the revision to the objects it reconciles', async () => {
    const { object, writeStatus } = await setUp('gadgets.typed-gitops.dev', 'Gadget', { size: 2 });
    const env = uniqueName('rules');
    const revision = revisionOf(env, { shop: [object] });
    const healthRules = JSON.stringify({
      rules: [{ group: 'gadgets.typed-gitops.dev', kind: 'Gadget', healthy: 'status.phase == "Ready"', degraded: 'status.phase == "Broken"' }],
    });
    const agent = reconcilerFor(env, ns.name, { connection: ns.connection, healthTimeoutMs: 300 });
    const first = await agent.reconcile({ ...revision, healthRules });
    expect(first.health?.objects).toEqual([expect.objectContaining({ status: 'Progressing', message: expect.stringMatching(/^Gadget one: no health rule is true yet \(status\.phase == "Broken": No such key: phase\)$/) })]);

    await writeStatus({ phase: 'Broken' });
    const second = await agent.reconcile({ ...revision, healthRules });
    expect(second.health?.objects).toEqual([expect.objectContaining({ status: 'Degraded', message: 'Gadget one: rule degraded: status.phase == "Broken"' })]);
  });
});
