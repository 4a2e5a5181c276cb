import { describe, expect, it } from 'vitest';
import { crdScopes, formatRef, groupOf, isClusterScoped, refOf, scopeOf, versionOf } from './kinds.ts';
import type { K8sObject } from './types.ts';

const crd = (group: string, kind: string, scope: string): K8sObject => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [] },
});

describe('kinds', () => {
  it('splits apiVersion into group and version', () => {
    expect([groupOf('v1'), versionOf('v1')]).toEqual(['', 'v1']);
    expect([groupOf('networking.k8s.io/v1'), versionOf('networking.k8s.io/v1')]).toEqual(['networking.k8s.io', 'v1']);
  });

  it('knows the cluster-scoped built-in kinds', () => {
    for (const [apiVersion, kind] of [['v1', 'Namespace'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
      ['storage.k8s.io/v1', 'StorageClass'], ['scheduling.k8s.io/v1', 'PriorityClass'], ['networking.k8s.io/v1', 'IngressClass'], ['v1', 'PersistentVolume'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'], ['apiregistration.k8s.io/v1', 'APIService']] as const) {
      expect(isClusterScoped(apiVersion, kind), `${apiVersion} ${kind}`).toBe(true);
    }
    expect(isClusterScoped('apps/v1', 'Deployment')).toBe(false);
    expect(isClusterScoped('rbac.authorization.k8s.io/v1', 'Role')).toBe(false);
  });

  it('takes the scope of custom kinds from their CRDs; without one the scope is unknown', () => {
    const crds = crdScopes([crd('example.com', 'Widget', 'Cluster'), crd('gateway.networking.k8s.io', 'HTTPRoute', 'Namespaced')]);
    expect(scopeOf('example.com/v1', 'Widget', crds)).toBe('Cluster');
    expect(scopeOf('gateway.networking.k8s.io/v1', 'HTTPRoute', crds)).toBe('Namespaced');
    expect(scopeOf('example.com/v1', 'Gadget', crds)).toBeUndefined();
    expect(isClusterScoped('example.com/v1', 'Gadget', crds)).toBe(false);
  });

  it('identifies objects, with no namespace for cluster-scoped ones', () => {
    const cm: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } };
    const role: K8sObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'ignored' } };
    expect(refOf(cm)).toEqual({ group: '', kind: 'ConfigMap', namespace: 'shop', name: 'settings' });
    expect(refOf(role)).toEqual({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'reader' });
    expect(formatRef(refOf(cm))).toBe('ConfigMap shop/settings');
    expect(formatRef(refOf(role))).toBe('ClusterRole reader');
  });
});
