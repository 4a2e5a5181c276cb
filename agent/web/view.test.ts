import { describe, expect, it } from 'vitest';
import type { Action, Change, ReconcileResult } from '../types.ts';
import type { HealthStatus, ObjectHealth } from '../health/types.ts';
import { Activity } from './activity.ts';
import { OBJECTS_LISTED, OBJECTS_PER_APP, pageView } from './view.ts';

const ref = (i: number) => ({ group: '', kind: 'ConfigMap', namespace: 'shop', name: `cm-${String(i).padStart(5, '0')}` });

function result(n: number, action: (i: number) => Action, health: (i: number) => HealthStatus, extra: Partial<ReconcileResult> = {}): ReconcileResult {
  const objects: ObjectHealth[] = Array.from({ length: n }, (_, i) => ({ ref: ref(i), app: `app-${i % 5}`, status: health(i), message: `cm-${i}: ${health(i)}` }));
  const changes: Change[] = Array.from({ length: n }, (_, i) => ({ ref: ref(i), action: action(i) }));
  return { env: 'prod', revision: 'a'.repeat(40), startedAt: new Date(0).toISOString(), durationMs: 5, changes, errors: [], ok: true, health: { status: 'Healthy', message: '', apps: {}, objects }, ...extra };
}

describe('the web page state', () => {
  it('lists at most 100 objects an app and 1,000 in all, failed and unhealthy first, and counts the rest', () => {
    const activity = new Activity();
    activity.record(result(3500, (i) => (i === 3499 ? 'failed' : 'unchanged'), (i) => (i === 7 ? 'Degraded' : 'Healthy')));
    const view = pageView({ env: 'prod', remote: '', activity, last: undefined });
    const listed = view.apps.reduce((n, a) => n + a.objects.length, 0);
    expect(listed).toBe(Math.min(OBJECTS_LISTED, 5 * OBJECTS_PER_APP));
    expect(view.apps.reduce((n, a) => n + a.objects.length + a.omitted, 0)).toBe(3500);
    const app4 = view.apps.find((a) => a.name === 'app-4')!;
    expect(app4.objects[0]).toMatchObject({ ref: ref(3499), action: 'failed' });
    expect(view.apps.find((a) => a.name === 'app-2')!.objects[0]).toMatchObject({ ref: ref(7), health: 'Degraded', message: 'cm-7: Degraded' });
    expect(app4.objects[1].message).toBe(''); // healthy: no message to send
    expect(view.sync).toBe('Pending');
  });

  it('keeps an object\'s last action across reconciles that leave it unchanged, and records drift corrections and fights', () => {
    const activity = new Activity();
    activity.record(result(2, (i) => (i === 0 ? 'configured' : 'created'), () => 'Healthy', { startedAt: '2026-01-01T00:00:00.000Z' }));
    const fight: Change = { ref: ref(1), action: 'skipped', reason: 'fight: changed back 3 times in 60 s by kubectl-edit' };
    activity.record({ ...result(2, () => 'unchanged', () => 'Healthy'), changes: [{ ref: ref(0), action: 'configured', drift: true }, fight] });
    activity.record({ ...result(1, () => 'unchanged', () => 'Healthy'), standby: true });
    expect(activity.objects().map((o) => [o.ref.name, o.action])).toEqual([['cm-00000', 'configured'], ['cm-00001', 'skipped']]);
    expect(activity.drift.map((d) => [d.what, d.object])).toEqual([['fight', 'ConfigMap shop/cm-00001'], ['corrected', 'ConfigMap shop/cm-00000']]);
    expect(activity.reconciles).toHaveLength(2); // a standby's cycle did nothing
  });
});
