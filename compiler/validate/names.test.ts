import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { configMap, deployment, namespace, service, synthObject, testConfig } from './testing.ts';

function nameFindings(...objects: K8sObject[]) {
  return validate([namespace('shop'), ...objects].map((o) => synthObject(o)), testConfig()).errors
    .filter((d) => ['invalid-name', 'invalid-label', 'invalid-annotation'].includes(d.rule));
}

describe('invalid-name', () => {
  it('reports names that are not DNS-1123 subdomains, with a suggestion', () => {
    const [error] = nameFindings(configMap('My_Settings'));
    expect(error).toMatchObject({ rule: 'invalid-name', env: 'dev', app: 'web', object: 'ConfigMap shop/My_Settings' });
    expect(error?.message).toMatch(/^metadata.name 'My_Settings' is invalid for a ConfigMap: it must be a DNS-1123 subdomain/);
    expect(error?.hint).toBe("Rename it, e.g. 'my-settings'.");
  });

  it('holds Services to DNS-1035 labels, Namespaces to DNS-1123 labels and CronJobs to 52 characters', () => {
    expect(nameFindings(service('1web')).map((e) => e.message)[0]).toMatch(/^metadata.name '1web' is invalid for a Service: it must be a DNS-1035 label/);
    expect(nameFindings(namespace('a.b')).map((e) => e.message)[0]).toMatch(/^metadata.name 'a.b' is invalid for a Namespace: it must be a DNS-1123 label/);
    const cronJob: K8sObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x'.repeat(53), namespace: 'shop' } };
    expect(nameFindings(cronJob).map((e) => e.message)[0]).toContain('at most 52 characters');
  });

  it('accepts valid names, including RBAC names with colons', () => {
    const role: K8sObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:aggregate-to-view' } };
    expect(nameFindings(configMap('web.settings-1'), service('web'), role, deployment('web'))).toEqual([]);
  });

  it('reports a missing name and a CRD not named <plural>.<group>', () => {
    expect(nameFindings({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop' } }).map((e) => e.message)).toEqual(['metadata.name is missing']);
    const crd: K8sObject = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widget.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [] },
    };
    expect(nameFindings(crd).map((e) => e.message)).toEqual([
      "metadata.name 'widget.example.com' of a CustomResourceDefinition must be '<spec.names.plural>.<spec.group>' ('widgets.example.com')",
    ]);
  });
});

describe('invalid-label and invalid-annotation', () => {
  it('reports bad label keys and values on the object and its pod template, and bad annotation keys', () => {
    const d = deployment('web');
    d.metadata.labels = { 'app.kubernetes.io/name': 'web', 'bad key': 'x', tier: 'front end' };
    d.metadata.annotations = { 'example.com/owner': 'team a', '-x': '1' };
    (d as any).spec.template.metadata.labels['team/'] = 'a';
    const findings = nameFindings(d);
    expect(findings.map((f) => `${f.rule} ${f.message.split(': ')[0]}`).sort()).toEqual([
      'invalid-annotation metadata.annotations["-x"]',
      'invalid-label metadata.labels.tier',
      'invalid-label metadata.labels["bad key"]',
      'invalid-label spec.template.metadata.labels["team/"]',
    ]);
    expect(findings.find((f) => f.message.includes('tier'))?.message).toBe(
      "metadata.labels.tier: invalid label value 'front end': it must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    );
    expect(findings[0]).toMatchObject({ env: 'dev', app: 'web', object: 'Deployment shop/web' });
  });

  it('accepts prefixed keys, empty values and free-text annotation values', () => {
    const d = deployment('web');
    d.metadata.labels = { 'app.kubernetes.io/name': 'web', empty: '', 'a_b.c-d': 'A_b.c-9' };
    d.metadata.annotations = { 'kubernetes.io/description': 'any text: at all!' };
    expect(nameFindings(d)).toEqual([]);
  });
});
