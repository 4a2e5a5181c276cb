import { describe, expect, it } from 'vitest';
import type { DesiredSet, Inventory } from './types.ts';
import { kindTargets } from './watch-scope.ts';

const ref = (kind: string, namespace: string, name: string) => ({ group: kind === 'Deployment' ? 'apps' : '', kind, namespace, name });

describe('kindTargets', () => {
  it('gives each kind the namespaces of the desired set and of the inventory, which may hold one git left', () => {
    const desired = { revision: { commit: 'c', env: 'dev', files: new Map() }, objects: [
      { ref: ref('ConfigMap', 'a', 'x'), object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' } }, app: 'app', file: 'f', hash: 'h' },
      { ref: ref('Namespace', '', 'a'), object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, app: 'app', file: 'f', hash: 'h' },
    ] } as DesiredSet;
    const inventory: Inventory = { env: 'dev', entries: [
      { ref: ref('ConfigMap', 'b', 'y'), apiVersion: 'v1', app: 'app', desiredHash: 'd', appliedHash: 'a' },
      { ref: ref('Deployment', 'b', 'z'), apiVersion: 'apps/v1', app: 'app', desiredHash: 'd', appliedHash: 'a' },
    ] };
    expect(kindTargets(desired, inventory).map((t) => [t.apiVersion, t.kind, [...t.namespaces]])).toEqual([
      ['v1', 'ConfigMap', ['a', 'b']], ['v1', 'Namespace', ['']], ['apps/v1', 'Deployment', ['b']],
    ]);
  });
});
