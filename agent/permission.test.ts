import { describe, expect, it } from 'vitest';
import { missingPermission, permissionIn, refusedVerb } from './permission.ts';

describe('missingPermission', () => {
  it('names the request as kubectl auth can-i asks it, and the rule for a Role of that namespace', () => {
    expect(missingPermission({ verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'shop' })).toBe(
      'missing permission: `kubectl auth can-i delete deployments.apps -n shop` is no; add the rule ' +
      '{apiGroups: ["apps"], resources: ["deployments"], verbs: ["delete"]} to a Role in namespace shop with a RoleBinding for that user');
  });

  it('asks for list and watch together, and for a ClusterRole at the cluster scope', () => {
    expect(missingPermission({ verb: 'watch', group: '', resource: 'configmaps', allNamespaces: true })).toBe(
      'missing permission: `kubectl auth can-i watch configmaps -A` is no; add the rule {apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"]} ' +
      'to a ClusterRole with a ClusterRoleBinding (or a Role in each namespace: the agent then lists and watches per namespace) for that user');
    expect(missingPermission({ verb: 'patch', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' })).toContain(
      '`kubectl auth can-i patch clusterroles.rbac.authorization.k8s.io` is no; add the rule {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["patch"]} to a ClusterRole with a ClusterRoleBinding for');
  });

  it('finds the request a reason says is missing, for an Event line', () => {
    const reason = `f.yaml:1: forbidden; ${missingPermission({ verb: 'patch', group: '', resource: 'configmaps', namespace: 'shop' })}`;
    expect(permissionIn(reason)).toBe('`kubectl auth can-i patch configmaps -n shop` is no');
    expect(permissionIn('f.yaml:1: field is immutable')).toBeUndefined();
  });

  it('reads the verb the server refused from its message', () => {
    expect(refusedVerb('configmaps "x" is forbidden: User "u" cannot create resource "configmaps" in API group "" in the namespace "n"')).toBe('create');
    expect(refusedVerb('forbidden')).toBeUndefined();
  });
});
