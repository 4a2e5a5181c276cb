// CRDs are cluster-scoped, so this file runs on a control plane of its own: a CRD
// becomes Established, a valid custom resource is accepted, an invalid one is
// rejected by the server's schema validation.
import { ApiextensionsV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { customResourceDefinition } from '../helpers/crd.ts';
import { useFreshControlPlane, useTestNamespace } from '../setup/cluster.js';
import { waitFor } from '../setup/wait-for.js';

const group = 'test.typed-gitops.dev';

const widgets = customResourceDefinition(group, 'Widget', {
  type: 'object',
  required: ['size'],
  properties: { size: { type: 'integer', minimum: 1 } },
}) as unknown as V1CustomResourceDefinition; // the same JSON, typed for client-node

describe('custom resources', () => {
  const fresh = useFreshControlPlane();
  const ns = useTestNamespace({ prefix: 'crd', cluster: fresh });

  it('establishes a CRD, accepts a valid custom resource and rejects an invalid one', async () => {
    const crds = ns.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({ body: widgets });
    await waitFor(
      'CRD Established',
      () => crds.readCustomResourceDefinition({ name: `widgets.${group}` }),
      (c) => c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') === true,
    );

    const objects = ns.kubeConfig.makeApiClient(CustomObjectsApi);
    const create = (name: string, spec: object) =>
      objects.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace: ns.name,
        plural: 'widgets',
        body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec },
      });
    // Discovery of a new group can lag a moment behind Established.
    await waitFor('valid Widget accepted', () => create('good', { size: 3 }), () => true);

    const rejected = await create('bad', { size: 0 }).then(
      () => undefined,
      (err: { code?: number; body?: string }) => err,
    );
    expect(rejected?.code).toBe(422);
    expect(String(rejected?.body)).toContain('spec.size');
  });
});
