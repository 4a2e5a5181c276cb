import { describe, expect, it } from 'vitest';
import type { PolicyLevel } from '../../core/config.ts';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { deployment, namespace, podSpec, synthObject, testConfig } from './testing.ts';

type Policies = Partial<Record<'resources-required' | 'no-latest-image' | 'readiness-probe', PolicyLevel>>;

function policyFindings(object: K8sObject, policies: Policies) {
  const report = validate([synthObject(namespace('shop')), synthObject(object)], testConfig({ environments: { dev: { values: {}, policies } } }));
  return [...report.errors, ...report.warnings].filter((d) => d.rule.startsWith('policy/'));
}

const all = (level: PolicyLevel): Policies => ({ 'resources-required': level, 'no-latest-image': level, 'readiness-probe': level });

describe('policies', () => {
  it('accept a Deployment that follows all of them', () => {
    expect(policyFindings(deployment('web'), all('error'))).toEqual([]);
  });

  it('resources-required: every container, init containers included, needs cpu and memory requests and limits', () => {
    const d = deployment('web');
    podSpec(d).initContainers = [{ name: 'migrate', image: 'migrate:1.0', resources: { requests: { cpu: '1', memory: '1Gi' } } }];
    delete podSpec(d).containers[0].resources.limits;
    const findings = policyFindings(d, { 'resources-required': 'error' });
    expect(findings.map((f) => f.message)).toEqual([
      'containers[0] (main) has no resources.limits.cpu, resources.limits.memory',
      'initContainers[0] (migrate) has no resources.limits.cpu, resources.limits.memory',
    ]);
    expect(findings[0]).toMatchObject({ rule: 'policy/resources-required', severity: 'error', env: 'dev', app: 'web', object: 'Deployment shop/web' });
  });

  it('no-latest-image: refuses :latest and untagged images, accepts digests and registry ports', () => {
    const d = deployment('web');
    podSpec(d).containers.push(
      { ...podSpec(d).containers[0], name: 'b', image: 'nginx' },
      { ...podSpec(d).containers[0], name: 'c', image: 'registry.local:5000/team/app:latest' },
      { ...podSpec(d).containers[0], name: 'd', image: 'registry.local:5000/team/app' },
      { ...podSpec(d).containers[0], name: 'e', image: 'nginx@sha256:0123456789abcdef' },
    );
    expect(policyFindings(d, { 'no-latest-image': 'warn' }).map((f) => `${f.severity} ${f.message}`)).toEqual([
      "warn containers[1] (b) image 'nginx' has no tag, which means :latest",
      "warn containers[2] (c) image 'registry.local:5000/team/app:latest' uses the :latest tag",
      "warn containers[3] (d) image 'registry.local:5000/team/app' has no tag, which means :latest",
    ]);
  });

  it("readiness-probe: Deployments' containers need one, init containers and other kinds do not", () => {
    const d = deployment('web');
    delete podSpec(d).containers[0].readinessProbe;
    podSpec(d).initContainers = [{ name: 'init', image: 'busybox:1' }];
    const [finding, ...rest] = policyFindings(d, { 'readiness-probe': 'warn' });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'policy/readiness-probe', severity: 'warn', message: 'containers[0] (main) has no readinessProbe' });
    const job: K8sObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'shop' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1' }] } } } };
    expect(policyFindings(job, { 'readiness-probe': 'error' })).toEqual([]);
  });

  it("skip rules that are 'off'", () => {
    const d = deployment('web');
    podSpec(d).containers[0] = { name: 'bare', image: 'nginx' };
    expect(policyFindings(d, all('off'))).toEqual([]);
    expect(policyFindings(d, all('error')).map((f) => f.rule)).toEqual(['policy/no-latest-image', 'policy/readiness-probe', 'policy/resources-required']);
  });
});
