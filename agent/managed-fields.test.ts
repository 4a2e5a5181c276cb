// Reading the fields our manager owns from managedFields.
import { describe, expect, it } from 'vitest';
import { handEdited, ownedFields, ownedHash, takeBack } from './managed-fields.ts';

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

describe('takeBack', () => {
  const ours = { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } } } };
  const service = (managedFields: object[]) => ({
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'web', managedFields },
    spec: { ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
  });
  const desired = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } };
  const apply = { manager: 'typed-gitops', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: ours };
  const edit = (fieldsV1: object, manager = 'kubectl-edit') => ({ manager, operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1 });

  it('moves a hand edit’s entry of a list git sets into our entry, and keeps its other fields with it', () => {
    const edited = edit({
      'f:metadata': { 'f:annotations': { 'f:note': {} } },
      'f:spec': { 'f:ports': { 'k:{"port":8081,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } } },
    });
    expect(takeBack(service([apply, edited]), desired, 'typed-gitops')).toEqual({
      managedFields: [
        { ...edited, fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:note': {} } } } },
        { ...apply, fieldsV1: { 'f:spec': { 'f:ports': { ...ours['f:spec']['f:ports'], 'k:{"port":8081,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } } } } },
      ],
      from: ['kubectl-edit'],
    });
  });

  it('finds entries nested in an entry git has (an env var of a container), matching keys the server defaulted', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [
        { ...apply, apiVersion: 'apps/v1', fieldsV1: { 'f:spec': {} } },
        { ...edit({ 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { 'f:env': { 'k:{"name":"BAR"}': { '.': {} } }, 'f:image': {} } } } }), apiVersion: 'apps/v1' },
      ] },
    };
    const wanted = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { containers: [{ name: 'main', image: 'x', env: [{ name: 'FOO' }] }] } };
    const result = takeBack(deployment, wanted, 'typed-gitops')!;
    expect(result.managedFields.map((e) => e.fieldsV1)).toEqual([
      { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { 'f:image': {} } } } },
      { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { 'f:env': { 'k:{"name":"BAR"}': { '.': {} } } } } } },
    ]);
  });

  it('leaves other managers, entries git has, fields git does not set, and subresources alone', () => {
    const samePort = edit({ 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { 'f:targetPort': {} } } } });
    const replicas = edit({ 'f:spec': { 'f:replicas': {} } });
    const controller = edit({ 'f:spec': { 'f:ports': { 'k:{"port":9090,"protocol":"TCP"}': { '.': {} } } } }, 'some-controller');
    const status = { ...edit({ 'f:spec': { 'f:ports': { 'k:{"port":9091,"protocol":"TCP"}': {} } } }), subresource: 'status' };
    expect(takeBack(service([apply, samePort, replicas, controller, status]), desired, 'typed-gitops')).toBeUndefined();
    expect(takeBack(service([edit({ 'f:spec': { 'f:ports': { 'k:{"port":1}': {} } } })]), desired, 'typed-gitops')).toBeUndefined(); // nothing of ours to merge into
  });

  it('tells hand-edited objects by their managers', () => {
    expect(handEdited(service([apply, edit({}, 'kubectl-client-side-apply')]))).toBe(true);
    expect(handEdited(service([apply, edit({}, 'kubectl-patch')]))).toBe(false);
  });
});
