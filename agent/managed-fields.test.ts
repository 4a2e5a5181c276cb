// Reading the fields our manager owns from managedFields.
import { describe, expect, it } from 'vitest';
import { ownedFields, ownedHash } from './managed-fields.ts';

const live = (image: string, replicas: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'web',
    managedFields: [
      { manager: 'typed-gitops', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } } },
      { manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ],
  },
  spec: { replicas, template: { spec: { containers: [{ name: 'sidecar', image: 'x' }, { name: 'app', image }] } } },
  status: { readyReplicas: replicas },
});

describe('ownedFields', () => {
  it('keeps only the fields our manager owns, finding list items by key', () => {
    expect(ownedFields(live('web:1', 3), 'typed-gitops')).toEqual({ spec: { template: { spec: { containers: [['k:{"name":"app"}', { image: 'web:1', name: 'app' }]] } } } });
  });

  it('changes when one of our fields changes, not when others do', () => {
    const base = ownedHash(live('web:1', 3), 'typed-gitops');
    expect(ownedHash(live('web:1', 7), 'typed-gitops')).toBe(base); // replicas belong to someone else
    expect(ownedHash(live('web:2', 3), 'typed-gitops')).not.toBe(base);
    expect(ownedHash(live('web:1', 3), 'nobody')).toBeUndefined();
  });
});
