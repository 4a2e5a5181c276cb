import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { configMap, namespace, synthObject, testConfig } from './testing.ts';

function namespaceErrors(objects: K8sObject[], external: string[] = []) {
  return validate(objects.map((o) => synthObject(o)), testConfig({ external: { namespaces: external } })).errors
    .filter((d) => d.rule === 'missing-namespace');
}

describe('missing-namespace', () => {
  it('reports a namespace that is neither in the set nor external', () => {
    const [error] = namespaceErrors([configMap('settings', {}, 'shop')]);
    expect(error).toMatchObject({
      env: 'dev', app: 'web', object: 'ConfigMap shop/settings',
      message: "namespace 'shop' is neither a Namespace in environment dev nor declared external",
    });
    expect(error?.hint).toContain('external.namespaces');
  });

  it('reports a namespaced object without a namespace', () => {
    const cm: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } };
    expect(namespaceErrors([cm]).map((e) => e.message)).toEqual(['ConfigMap is namespaced but has no metadata.namespace']);
  });

  it('accepts namespaces in the set, external ones, system ones and cluster-scoped objects', () => {
    const objects: K8sObject[] = [
      namespace('shop'),
      configMap('a', {}, 'shop'),
      configMap('b', {}, 'platform'),
      configMap('c', {}, 'kube-system'),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'x' },
    ];
    expect(namespaceErrors(objects, ['platform'])).toEqual([]);
  });

  it('knows the scope of custom kinds from their CRD', () => {
    const crd = (scope: string): K8sObject => ({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope, names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    const widget: K8sObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(namespaceErrors([crd('Cluster'), widget])).toEqual([]);
    expect(namespaceErrors([crd('Namespaced'), widget]).map((e) => e.object)).toEqual(['Widget w']);
    expect(namespaceErrors([widget])).toEqual([]); // unknown scope: the schema rule warns instead
  });
});
