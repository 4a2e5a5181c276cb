// Ranking, dispatch by group and kind, and the report that sums objects up into apps and the environment.
import { describe, expect, it } from 'vitest';
import type { K8sObject, ObjectRef } from '../types.ts';
import { assessHealth, healthReport, isSettled, worstOf } from './index.ts';
import type { Observed } from './types.ts';

const ref = (kind: string, name: string, group = ''): ObjectRef => ({ group, kind, namespace: 'h', name });
const configMap = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'h' } });
const deployment = (name: string, available: number): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'h', generation: 1 },
  spec: { replicas: 3 },
  status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: available },
});
const observed = (object: K8sObject, group = ''): Observed => ({ ref: ref(object.kind, object.metadata.name!, group), object });

describe('worstOf', () => {
  it('ranks Degraded > Missing > Progressing > Unknown > Suspended > Healthy', () => {
    expect(worstOf('Healthy', 'Suspended')).toBe('Suspended');
    expect(worstOf('Suspended', 'Unknown')).toBe('Unknown');
    expect(worstOf('Unknown', 'Progressing', 'Healthy')).toBe('Progressing');
    expect(worstOf('Progressing', 'Missing')).toBe('Missing');
    expect(worstOf('Missing', 'Degraded', 'Healthy')).toBe('Degraded');
    expect(worstOf()).toBe('Healthy');
  });

  it('counts only Healthy and Suspended as settled', () => {
    expect((['Healthy', 'Suspended', 'Unknown', 'Progressing', 'Missing', 'Degraded'] as const).filter(isSettled)).toEqual(['Healthy', 'Suspended']);
  });
});

describe('assessHealth', () => {
  it('dispatches by group as well as kind', () => {
    expect(assessHealth(deployment('web', 1)).message).toBe('Deployment web: 1 of 3 replicas available');
    // Same kind name, another group: the generic check, which finds no Ready condition.
    const custom = { ...deployment('web', 1), apiVersion: 'example.com/v1' };
    expect(assessHealth(custom)).toEqual({ status: 'Healthy', message: 'Deployment web: no Ready condition' });
  });

  it('calls an object Unknown when it has no metadata, instead of throwing', () => {
    expect(assessHealth({ apiVersion: 'v1', kind: 'Pod' } as K8sObject)).toEqual({ status: 'Unknown', message: 'Pod : cannot assess: not an object with metadata' });
    expect(assessHealth(null as unknown as K8sObject)).toEqual({ status: 'Unknown', message: 'object : cannot assess: not an object with metadata' });
  });
});

describe('healthReport', () => {
  const apps: Record<string, string> = { web: 'shop', db: 'shop', settings: 'shop', jobs: 'batch', gone: 'batch' };
  const appOf = (r: ObjectRef) => apps[r.name];

  it('gives each object, each app and the environment the worst status, with the message of what holds it up', () => {
    const report = healthReport([
      observed(deployment('web', 1)),
      observed(deployment('db', 3)),
      observed(configMap('settings')),
      { ref: ref('Job', 'gone', 'batch') },
      observed(configMap('unowned')),
    ], appOf);
    expect(report.objects.map((o) => [o.ref.name, o.app, o.status])).toEqual([
      ['web', 'shop', 'Progressing'],
      ['db', 'shop', 'Healthy'],
      ['settings', 'shop', 'Healthy'],
      ['gone', 'batch', 'Missing'],
      ['unowned', undefined, 'Healthy'],
    ]);
    expect(report.apps).toEqual({
      batch: { status: 'Missing', message: 'Job gone: not found' },
      shop: { status: 'Progressing', message: 'Deployment web: 1 of 3 replicas available' },
    });
    expect({ status: report.status, message: report.message }).toEqual({ status: 'Missing', message: 'Job gone: not found' });
  });

  it('counts the other objects that share the worst status', () => {
    const report = healthReport([observed(deployment('web', 1)), observed(deployment('db', 0))], appOf);
    expect(report.apps.shop).toEqual({ status: 'Progressing', message: 'Deployment web: 1 of 3 replicas available (and 1 more Progressing)' });
  });

  it('says how many objects are healthy, and reports objects it could not read as Unknown', () => {
    expect(healthReport([observed(configMap('settings')), observed(deployment('db', 3))], appOf).apps.shop).toEqual({ status: 'Healthy', message: '2 objects healthy' });
    const unreadable = healthReport([{ ref: ref('Widget', 'w', 'example.com'), unreadable: 'connection refused' }], appOf);
    expect(unreadable.objects[0]).toMatchObject({ status: 'Unknown', message: 'Widget w: cannot read: connection refused' });
    expect(healthReport([], appOf)).toEqual({ status: 'Healthy', message: 'no objects', apps: {}, objects: [] });
  });
});
