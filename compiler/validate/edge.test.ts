import { describe, expect, it } from 'vitest';
import type { K8sObject, SynthObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { namespace, synthObject, testConfig } from './testing.ts';

describe('validate on malformed objects', () => {
  it('reports instead of throwing when fields have the wrong shape', () => {
    const broken = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'shop' }, spec: 'nope' },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'b', namespace: 'shop' }, spec: { template: { spec: { containers: 'x', volumes: [null, 1] } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'c', namespace: 'shop', labels: 'x' }, spec: { selector: ['x'], ports: 80 } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'd', namespace: 'shop' }, spec: { rules: [{ http: { paths: [{ backend: null }] } }] } },
      { apiVersion: 42, kind: null, metadata: { name: 'e' } },
    ] as unknown as K8sObject[];
    const objects: SynthObject[] = [synthObject(namespace('shop')), ...broken.map((object, i) => ({
      ref: { group: '', kind: String(object.kind), namespace: 'shop', name: String(i) }, object, app: 'web', env: 'dev', sourceFile: 'apps/web.ts', constructPath: `web/${i}`,
    }))];
    const report = validate(objects, testConfig());
    expect(report.errors.filter((e) => e.rule === 'schema').map((e) => e.message)).toEqual(expect.arrayContaining([
      'spec: must be object',
      'spec.template.spec.containers: must be array',
      'apiVersion and kind must be non-empty strings',
    ]));
  });
});
