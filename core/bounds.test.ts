import { describe, expect, it } from 'vitest';
import { refOf, crdScopes } from './kinds.ts';
import type { K8sObject } from './types.ts';
import { boundsRefusal, boundsViolations, DEFAULT_BOUNDS, globMatches, type Bounds } from './bounds.ts';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, spec?: unknown): K8sObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...(spec ? { spec } : {}) });

function check(objects: K8sObject[], bounds: Bounds = DEFAULT_BOUNDS) {
  const crds = crdScopes(objects);
  return boundsViolations(objects.map((o, i) => ({ ref: refOf(o, crds), object: o, file: `dev/app/f${i}.yaml` })), bounds)
    .map((v) => `${v.of.file} ${v.of.ref.kind} ${v.rule}`);
}

const teamA: Bounds = { namespaces: ['team-a-*'], clusterKinds: ['Namespace'], deniedKinds: [] };

describe('boundsViolations', () => {
  it('keeps namespaced objects inside the namespace globs, a Namespace by its own name, a missing namespace as default', () => {
    expect(check([
      obj('v1', 'ConfigMap', 'ok', 'team-a-web'),
      obj('v1', 'ConfigMap', 'out', 'kube-system'),
      obj('v1', 'Namespace', 'team-a-db'),
      obj('v1', 'Namespace', 'kube-public'),
      obj('apps/v1', 'Deployment', 'nowhere'),
    ], teamA)).toEqual([
      'dev/app/f1.yaml ConfigMap namespace-not-allowed',
      'dev/app/f3.yaml Namespace namespace-not-allowed',
      'dev/app/f4.yaml Deployment namespace-not-allowed',
    ]);
  });

  it('allows of the cluster-scoped kinds only Namespace by default; group/Kind allows that kind, not a look-alike', () => {
    const binding = obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'pwned');
    const fake = obj('evil.example.com/v1', 'Namespace', 'fake');
    expect(check([binding, fake, obj('v1', 'Namespace', 'shop')])).toEqual([
      'dev/app/f0.yaml ClusterRoleBinding cluster-kind-not-allowed',
      'dev/app/f1.yaml Namespace cluster-kind-not-allowed',
    ]);
    expect(check([binding], { ...DEFAULT_BOUNDS, clusterKinds: ['rbac.authorization.k8s.io/ClusterRoleBinding'] })).toEqual([]);
    expect(check([binding], { ...DEFAULT_BOUNDS, clusterKinds: ['ClusterRoleBinding'] })).toEqual([]);
  });

  it('takes the scope of a custom kind from its CRD in the revision; without one, no namespace counts as cluster-scoped', () => {
    const crd = (scope: string) => obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', undefined, { group: 'example.com', names: { kind: 'Widget' }, scope });
    const allowCrds: Bounds = { ...teamA, clusterKinds: ['apiextensions.k8s.io/CustomResourceDefinition'] };
    expect(check([crd('Namespaced'), obj('example.com/v1', 'Widget', 'w', 'team-a-x')], allowCrds)).toEqual([]);
    expect(check([crd('Namespaced'), obj('example.com/v1', 'Widget', 'w', 'elsewhere')], allowCrds)).toEqual(['dev/app/f1.yaml Widget namespace-not-allowed']);
    expect(check([crd('Cluster'), obj('example.com/v1', 'Widget', 'w', 'team-a-x')], allowCrds)).toEqual(['dev/app/f1.yaml Widget cluster-kind-not-allowed']);
    expect(check([obj('example.com/v1', 'Widget', 'w')], allowCrds)).toEqual(['dev/app/f0.yaml Widget cluster-kind-not-allowed']);
  });

  it('refuses denied kinds in any scope', () => {
    const denied: Bounds = { ...DEFAULT_BOUNDS, deniedKinds: ['Secret', 'Namespace'] };
    expect(check([obj('v1', 'Secret', 's', 'shop'), obj('v1', 'Namespace', 'shop'), obj('v1', 'ConfigMap', 'c', 'shop')], denied))
      .toEqual(['dev/app/f0.yaml Secret kind-denied', 'dev/app/f1.yaml Namespace kind-denied']);
  });
});

describe('globMatches', () => {
  it('reads * as any run of characters and everything else literally', () => {
    expect(['team-a-*', '*', 'team-*-web', 'team-a-web'].map((g) => globMatches(g, 'team-a-web'))).toEqual([true, true, true, true]);
    expect(['team-b-*', 'team.a.web', 'team-a', '[t]eam-a-web'].map((g) => globMatches(g, 'team-a-web'))).toEqual([false, false, false, false]);
  });
});

describe('boundsRefusal', () => {
  it('names each object, its file and the rule, up to 20 and how many more', () => {
    const many = Array.from({ length: 23 }, (_, i) => obj('v1', 'ConfigMap', `c${i}`, 'kube-system'));
    const crds = crdScopes([]);
    const message = boundsRefusal(boundsViolations(many.map((o, i) => ({ ref: refOf(o, crds), object: o, file: `dev/app/c${i}.yaml` })), teamA))!;
    expect(message).toMatch(/^23 object\(s\) outside this environment's bounds; the revision is refused and nothing was changed/);
    expect(message).toContain("dev/app/c19.yaml: ConfigMap kube-system/c19: namespace 'kube-system' is not allowed (allowed: team-a-*) [namespace-not-allowed]");
    expect(message).not.toContain('c20.yaml');
    expect(message).toContain('and 3 more');
    expect(boundsRefusal([])).toBeUndefined();
  });
});
