// Results for the status tests: one as large as an environment at the objects limit can make it.
import type { HealthReport } from '../../agent/health/types.ts';
import type { Change, ReconcileResult } from '../../agent/types.ts';

export const ref = (i: number) => ({ group: 'apps', kind: 'Deployment', namespace: 'bench', name: `svc-${String(i).padStart(5, '0')}` });

/** A result as large as an environment at the objects limit, with long server messages everywhere. */
export function hugeResult(objects = 25_000): ReconcileResult {
  const long = 'x'.repeat(10_000);
  const changes: Change[] = Array.from({ length: objects }, (_, i) => (i % 2 ? { ref: ref(i), action: 'created' } : { ref: ref(i), action: 'failed', reason: `bench/svc.yaml: ${long}` }));
  const health: HealthReport = {
    status: 'Progressing', message: `Deployment svc-00000: ${long}`,
    apps: Object.fromEntries(Array.from({ length: objects / 10 }, (_, i) => [`chart-${i}`, { status: 'Progressing' as const, message: long }])),
    objects: changes.map((c) => ({ ref: c.ref, app: 'chart-0', status: 'Progressing' as const, message: long })),
  };
  return {
    env: 'bench', revision: 'a'.repeat(40), sourceCommit: long, startedAt: '2026-12-01T10:00:00.000Z', durationMs: 134_000, ok: false,
    changes, health, errors: Array.from({ length: 500 }, (_, i) => `error ${i}: ${long}`), notices: [long],
  };
}


/** A first apply of `objects` objects, all created and healthy, as the agent benchmark's environments. */
export function createdResult(objects = 25_000): ReconcileResult {
  const changes: Change[] = Array.from({ length: objects }, (_, i) => ({ ref: ref(i), action: 'created' }));
  return { env: 'bench', revision: 'c'.repeat(40), startedAt: '2026-12-01T10:00:00.000Z', durationMs: 134_000, ok: true, changes, errors: [],
    health: { status: 'Healthy', message: `${objects} objects healthy`, apps: { bench: { status: 'Healthy', message: 'ok' } }, objects: changes.map((c) => ({ ref: c.ref, app: 'bench', status: 'Healthy', message: 'ok' })) } };
}
