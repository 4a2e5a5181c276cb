import { describe, expect, it } from 'vitest';
import { refOf } from '../core/kinds.ts';
import type { K8sObject } from '../core/types.ts';
import { DEFAULT_BOUNDS } from '../core/bounds.ts';
import { reservedRefusal, type ReservedObjects } from './reserved.ts';
import { layeredBounds, settingsBounds } from './settings.ts';

const where = "the agent's settings ConfigMap gitops-system/agent-settings";

describe('settingsBounds', () => {
  it('reads comma lists; a key left out is left to the next source', () => {
    expect(settingsBounds({ namespaces: ' team-a-*, shop ', clusterKinds: '' }, where)).toEqual({ namespaces: ['team-a-*', 'shop'], clusterKinds: [] });
    expect(settingsBounds(undefined, where)).toEqual({});
  });

  it('names the ConfigMap and each wrong key', () => {
    const error = (data: Record<string, string>) => { try { settingsBounds(data, where); } catch (e) { return (e as Error).message; } return ''; };
    expect(error({ namespace: 'x' })).toContain(`${where} is not valid:\n  - key 'namespace' is not a setting (expected: namespaces, clusterKinds, deniedKinds)`);
    expect(error({ namespaces: 'Team A' })).toContain(`key 'namespaces': "Team A" is not a namespace glob`);
    expect(error({ deniedKinds: 'rbac/Cluster Role' })).toContain(`key 'deniedKinds': "rbac/Cluster Role" is not a kind`);
  });
});

describe('layeredBounds', () => {
  it('takes each list from the flags, else the ConfigMap, else the project config', () => {
    const configured = { ...DEFAULT_BOUNDS, deniedKinds: ['Secret'] };
    expect(layeredBounds({ namespaces: ['flag'] }, { namespaces: ['map'], clusterKinds: [] }, configured))
      .toEqual({ namespaces: ['flag'], clusterKinds: [], deniedKinds: ['Secret'] });
  });
});

describe('reservedRefusal', () => {
  const reserved: ReservedObjects = { namespace: 'gitops-system', named: [{ kind: 'Secret', namespace: 'platform', name: 'keys', role: "the agent's keys Secret" }] };
  const of = (o: K8sObject) => ({ ref: refOf(o), object: o, file: `dev/app/${o.metadata.name}.yaml:1` });
  const cm = (name: string, namespace: string) => of({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

  it('names the keys Secret and every ConfigMap or Lease of the agent in its namespace', () => {
    const refusal = reservedRefusal([
      cm('typed-gitops-status-dev', 'gitops-system'),
      of({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'typed-gitops-dev', namespace: 'gitops-system' } }),
      of({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'keys', namespace: 'platform' } }),
      cm('typed-gitops-status-dev', 'team-a'),
      cm('settings', 'gitops-system'),
    ], reserved);
    expect(refusal).toContain('holds 3 of the agent\'s own object(s)');
    expect(refusal).toContain('dev/app/typed-gitops-status-dev.yaml:1: ConfigMap gitops-system/typed-gitops-status-dev is the agent\'s own inventory or status [reserved]');
    expect(refusal).toContain('Lease gitops-system/typed-gitops-dev is the agent\'s own Lease [reserved]');
    expect(refusal).toContain('Secret platform/keys is the agent\'s keys Secret [reserved]');
    expect(reservedRefusal([cm('typed-gitops-status-dev', 'team-a'), cm('settings', 'gitops-system')], reserved)).toBeUndefined();
  });
});
