import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { customResourceDefinition } from '../../test/helpers/crd.ts';
import { validate } from './index.ts';
import { configMap, deployment, namespace, podSpec, synthObject, testConfig } from './testing.ts';

function schemaFindings(...objects: K8sObject[]) {
  const report = validate([namespace('shop'), ...objects].map((o) => synthObject(o)), testConfig());
  return [...report.errors, ...report.warnings].filter((d) => d.rule === 'schema');
}

const widgetCrd = customResourceDefinition('example.com', 'Widget', {
  type: 'object',
  required: ['size'],
  properties: { size: { type: 'integer' }, port: { 'x-kubernetes-int-or-string': true }, extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
});

const widget = (spec: Record<string, unknown>, apiVersion = 'example.com/v1'): K8sObject =>
  ({ apiVersion, kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec });

describe('schema', () => {
  it('accepts valid built-in objects', () => {
    expect(schemaFindings(deployment('web'), configMap('settings'))).toEqual([]);
  });

  it('reports wrong types and missing required fields with their field path', () => {
    const d = deployment('web');
    (d as any).spec.replicas = '2';
    delete (d as any).spec.selector;
    delete podSpec(d).containers[0].name;
    const findings = schemaFindings(d);
    expect(findings.map((f) => f.message).sort()).toEqual([
      'spec.replicas: must be integer',
      'spec.selector: required field is missing',
      'spec.template.spec.containers[0].name: required field is missing',
    ]);
    expect(findings[0]).toMatchObject({
      severity: 'error', env: 'dev', app: 'web', sourceFile: 'apps/web.ts', constructPath: 'web/Deployment-web', object: 'Deployment shop/web',
    });
    expect(findings.find((f) => f.message.startsWith('spec.replicas'))?.hint).toContain('kubectl explain deployment.spec.replicas');
  });

  it('reports int-or-string and quantity fields once, with both types', () => {
    const d = deployment('web');
    podSpec(d).containers[0].resources.limits.cpu = { cores: 1 };
    expect(schemaFindings(d).map((f) => f.message)).toEqual(['spec.template.spec.containers[0].resources.limits.cpu: must be number or string']);
  });

  it('reports unknown fields, nested in arrays and maps, with a guess', () => {
    const d = deployment('web');
    podSpec(d).containers[0].resource = podSpec(d).containers[0].resources;
    delete podSpec(d).containers[0].resources;
    (d as any).metadata.lables = { a: 'b' };
    (d as any).spec.template.spec.volumes = [{ name: 'v', configMap: { name: 'settings', itemz: [] } }];
    const findings = schemaFindings(d);
    expect(findings.map((f) => f.message).sort()).toEqual([
      "metadata.lables: unknown field (did you mean 'labels'?)",
      "spec.template.spec.containers[0].resource: unknown field (did you mean 'resources'?)",
      "spec.template.spec.volumes[0].configMap.itemz: unknown field (did you mean 'items'?)",
    ]);
    expect(findings.find((f) => f.message.includes('resource:'))?.hint).toContain('kubectl explain deployment.spec.template.spec.containers');
  });

  it('allows free-form and int-or-string fields without reporting their content', () => {
    const d = deployment('web');
    podSpec(d).containers[0].readinessProbe = { httpGet: { path: '/', port: 8080 } };
    (d as any).spec.strategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
    expect(schemaFindings(d)).toEqual([]);
  });

  it('reports unknown kinds and removed APIs of built-in groups, naming the served versions', () => {
    const hpa: K8sObject = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' } };
    const [finding] = schemaFindings(hpa);
    expect(finding).toMatchObject({ severity: 'error', message: 'removed API: autoscaling/v2beta2 HorizontalPodAutoscaler is no longer served by Kubernetes' });
    expect(finding?.hint).toBe('Use apiVersion autoscaling/v1 or autoscaling/v2 for HorizontalPodAutoscaler.');
    expect(schemaFindings({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x', namespace: 'shop' } })[0]?.message)
      .toBe('unknown kind: apps/v1 Deploymnet is not a Kubernetes API');
  });

  it('warns about custom resources whose CRD is not in the set', () => {
    const [finding] = schemaFindings(widget({ size: 1 }));
    expect(finding).toMatchObject({ severity: 'warn', message: 'unchecked: no CRD for example.com/Widget in the set', object: 'Widget shop/w' });
  });

  it('checks custom resources against the CRD in the same environment', () => {
    expect(schemaFindings(widgetCrd, widget({ size: 1, port: 'http', extra: { anything: true } }))).toEqual([]);
    const messages = schemaFindings(widgetCrd, widget({ port: 80, colour: 'red' })).map((f) => f.message).sort();
    expect(messages).toEqual(['spec.colour: unknown field', 'spec.size: required field is missing']);
    expect(schemaFindings(widgetCrd, widget({ size: 'big' })).map((f) => f.message)).toEqual(['spec.size: must be integer']);
  });

  it('reports custom resources of a version the CRD does not serve', () => {
    expect(schemaFindings(widgetCrd, widget({ size: 1 }, 'example.com/v2')).map((f) => f.message))
      .toEqual(['example.com/v2 is not served by CustomResourceDefinition widgets.example.com (served: v1)']);
  });

  it('does not use a CRD of another environment', () => {
    const objects = [
      synthObject(namespace('shop')),
      synthObject(widgetCrd, { env: 'prod' }),
      synthObject(widget({ size: 1 })),
    ];
    const report = validate(objects, testConfig({ environments: { dev: { values: {} }, prod: { values: {} } } }));
    expect(report.warnings.map((w) => `${w.env} ${w.message}`)).toEqual(['dev unchecked: no CRD for example.com/Widget in the set']);
  });
});
