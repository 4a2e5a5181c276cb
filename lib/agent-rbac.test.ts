// The agent's RBAC from an environment's kinds: verbs per kind, Roles per namespace, a ClusterRole
// only for cluster-scoped kinds, its own objects by name, no '*'.
import { describe, expect, it } from 'vitest';
import { agentRules, builtInPlural, type AgentRbacInput, type PolicyRule } from './agent-rbac.ts';
import type { RenderedKind } from './define-app.ts';

const deployment = (namespace: string): RenderedKind => ({ group: 'apps', version: 'v1', kind: 'Deployment', namespace });
const base: AgentRbacInput = { env: 'dev', namespace: 'gitops-system', kinds: [deployment('shop')], own: [], readScope: 'namespaces' };
const resources = (rules: readonly PolicyRule[] | undefined) => (rules ?? []).flatMap((r) => r.resources ?? []);

describe('agentRules', () => {
  it('gives each namespaced kind the verbs the agent calls in its own namespace only, and no ClusterRole rules but discovery', () => {
    const rules = agentRules(base);
    expect(rules.namespaces.get('shop')).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'] }]);
    expect(rules.cluster).toEqual([{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] }]);
    expect([...rules.namespaces.keys()]).toEqual(['gitops-system', 'shop']);
    expect(resources(rules.namespaces.get('gitops-system'))).toEqual(['configmaps', 'events', 'leases', 'leases']);
    expect(rules.namespaces.get('gitops-system')).toContainEqual({ apiGroups: ['coordination.k8s.io'], resourceNames: ['typed-gitops-dev'], resources: ['leases'], verbs: ['get', 'update'] });
  });

  it('grows with a kind added, a namespace added and a cluster-scoped kind', () => {
    const rules = agentRules({ ...base, kinds: [deployment('shop'), deployment('data'), { group: '', version: 'v1', kind: 'Service', namespace: 'shop' }, { group: '', version: 'v1', kind: 'Namespace', namespace: '' }] });
    expect(resources(rules.namespaces.get('shop'))).toEqual(['services', 'deployments']);
    expect(resources(rules.namespaces.get('data'))).toEqual(['deployments']);
    expect(rules.cluster[0]).toEqual({ apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'] });
  });

  it('writes cluster-scoped objects only by the names the environment renders', () => {
    const rules = agentRules({ ...base, kinds: [{ group: '', version: 'v1', kind: 'Namespace', namespace: '', names: ['data', 'shop'] }] });
    expect(rules.cluster.slice(0, 2)).toEqual([
      { apiGroups: [''], resourceNames: ['data', 'shop'], resources: ['namespaces'], verbs: ['create', 'delete', 'get', 'patch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    ]);
  });

  it('writes its own objects only by name, and lists and watches their kinds', () => {
    const rules = agentRules({ ...base, own: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', namespace: '', name: 'agent' }, { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'agent' }] });
    expect(rules.cluster).toContainEqual({ apiGroups: ['rbac.authorization.k8s.io'], resourceNames: ['agent'], resources: ['clusterrolebindings'], verbs: ['create', 'delete', 'get', 'patch'] });
    expect(rules.cluster).toContainEqual({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], verbs: ['list', 'watch'] });
    // The environment's own Deployments in shop already cover the agent's one there.
    expect(rules.namespaces.get('shop')).toHaveLength(1);
  });

  it('only reads what an impersonated ServiceAccount writes, and may impersonate that one', () => {
    const rules = agentRules({ ...base, impersonate: 'shop/deployer' });
    expect(rules.namespaces.get('shop')).toEqual([
      { apiGroups: [''], resourceNames: ['deployer'], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it("reads namespaced kinds cluster-wide with readScope 'cluster', writing them still per namespace", () => {
    const rules = agentRules({ ...base, readScope: 'cluster' });
    expect(rules.cluster[0]).toEqual({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] });
    expect(rules.namespaces.get('shop')).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete', 'patch'] }]);
  });

  it('takes custom plurals from the CRD or the props, and names a custom kind it cannot map', () => {
    const widget = { group: 'acme.dev', version: 'v1', kind: 'Widget', namespace: 'shop' };
    expect(agentRules({ ...base, kinds: [{ ...widget, plural: 'widgetz' }] }).namespaces.get('shop')![0].resources).toEqual(['widgetz']);
    expect(agentRules({ ...base, kinds: [widget], plurals: { 'acme.dev/Widget': 'widgets' } }).unknownPlurals).toEqual([]);
    expect(agentRules({ ...base, kinds: [widget] }).unknownPlurals).toEqual(['acme.dev/Widget']);
  });

  it('may get only its own key Secrets in its namespace: verification keys and age identities', () => {
    const own = agentRules({ ...base, secrets: ['signers', 'age-key'] }).namespaces.get('gitops-system')!;
    const secrets = own.filter((r) => r.resources?.includes('secrets'));
    expect(secrets).toEqual([{ apiGroups: [''], resourceNames: ['age-key', 'signers'], resources: ['secrets'], verbs: ['get'] }]);
  });

  it("never grants '*'", () => {
    const rules = agentRules({ ...base, kinds: [deployment('shop'), { group: '', version: 'v1', kind: 'Namespace', namespace: '' }] });
    const all = [...rules.cluster, ...[...rules.namespaces.values()].flat()];
    expect(JSON.stringify(all)).not.toContain('"*"');
  });
});

describe('builtInPlural', () => {
  it('follows the API server', () => {
    expect(['Ingress', 'NetworkPolicy', 'Endpoints', 'ConfigMap', 'StorageClass'].map((k) => builtInPlural(k === 'Ingress' || k === 'NetworkPolicy' ? 'networking.k8s.io' : k === 'StorageClass' ? 'storage.k8s.io' : '', k)))
      .toEqual(['ingresses', 'networkpolicies', 'endpoints', 'configmaps', 'storageclasses']);
    expect(builtInPlural('gateway.networking.k8s.io', 'Gateway')).toBeUndefined();
  });
});
