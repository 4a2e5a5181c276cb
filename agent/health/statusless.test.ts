// Custom kinds that can never have a status are not waited for, where their CRD is in the revision.
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types.ts';
import { assessHealth } from './index.ts';
import { statuslessKinds } from './statusless.ts';

const crd = (kind: string, version: Record<string, unknown>): K8sObject => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind.toLowerCase()}s.example.com` },
  spec: { group: 'example.com', names: { kind, plural: `${kind.toLowerCase()}s` }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, ...version }] },
});
const schema = (properties: Record<string, unknown>) => ({ schema: { openAPIV3Schema: { type: 'object', properties } } });

describe('statuslessKinds', () => {
  it('lists kinds whose CRD has neither a status subresource nor a status in its schema', () => {
    const objects = [
      crd('Setting', schema({ spec: { type: 'object' } })),
      crd('Widget', { ...schema({ spec: { type: 'object' } }), subresources: { status: {} } }),
      crd('Gadget', schema({ spec: { type: 'object' }, status: { type: 'object' } })),
      crd('Blob', { schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }),
      crd('Odd', { schema: 'not a schema' }),
    ];
    expect([...statuslessKinds(objects)]).toEqual(['example.com/Setting']);
  });

  it('makes such a kind Healthy at once, while another custom kind waits for its controller', () => {
    const object = (kind: string): K8sObject => ({ apiVersion: 'example.com/v1', kind, metadata: { name: 'x', namespace: 'h', creationTimestamp: '2026-11-30T23:59:59Z' } });
    const options = { now: Date.parse('2026-12-01T00:00:00Z'), statusless: new Set(['example.com/Setting']) };
    expect(assessHealth(object('Setting'), options)).toEqual({ status: 'Healthy', message: 'Setting x: no status (its CRD declares none)' });
    expect(assessHealth(object('Widget'), options).status).toBe('Progressing');
  });
});
