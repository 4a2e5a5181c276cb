import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { configMap, namespace, synthObject, testConfig } from './testing.ts';

const binding: K8sObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'pwned' } };

function boundsErrors(objects: K8sObject[], bounds?: object) {
  const config = testConfig({ environments: { dev: { values: {}, ...(bounds ? { bounds } : {}) } }, external: { namespaces: ['kube-system'] } });
  return validate(objects.map((o) => synthObject(o)), config).errors.filter((d) => /allowed|denied/.test(d.rule));
}

describe('bounds', () => {
  it("reports each object outside the environment's declared bounds, naming app, file, object and rule", () => {
    const errors = boundsErrors([namespace('team-a-web'), configMap('ok', {}, 'team-a-web'), configMap('out', {}, 'kube-system'), binding],
      { namespaces: ['team-a-*'] });
    expect(errors.map((e) => [e.app, e.sourceFile, e.object, e.rule])).toEqual([
      ['web', 'apps/web.ts', 'ClusterRoleBinding pwned', 'cluster-kind-not-allowed'],
      ['web', 'apps/web.ts', 'ConfigMap kube-system/out', 'namespace-not-allowed'],
    ]);
    expect(errors[1]!.message).toBe("namespace 'kube-system' is not allowed (allowed: team-a-*); the agent refuses the whole revision");
  });

  it('checks only bounds the config declares, and reads denied kinds', () => {
    expect(boundsErrors([binding])).toEqual([]);
    expect(boundsErrors([configMap('c', {}, 'kube-system')], { deniedKinds: ['ConfigMap'] }).map((e) => e.rule)).toEqual(['kind-denied']);
  });

  it('rejects a malformed bounds key, naming it', () => {
    expect(() => boundsErrors([], { namespaces: 'team-a-*' })).toThrow('environments.dev.bounds.namespaces: must be a list of non-empty strings');
    expect(() => boundsErrors([], { clusterkinds: [] })).toThrow('environments.dev.bounds.clusterkinds: unknown key');
  });
});
