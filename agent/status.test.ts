// What the status object, the log line and the Event hold, for results of any size.
import { describe, expect, it } from 'vitest';
import type { HealthReport } from './health/types.ts';
import type { KubeClient } from './kube.ts';
import { compact, LIST_LIMIT, publishStatus, STATUS_BYTES, type StoredResult } from './status.ts';
import { formatStatus } from './status-command.ts';
import type { Change, K8sObject, ReconcileResult } from './types.ts';

const ref = (i: number) => ({ group: 'apps', kind: 'Deployment', namespace: 'bench', name: `svc-${String(i).padStart(5, '0')}` });

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
    env: 'bench', revision: 'a'.repeat(40), startedAt: '2026-12-01T10:00:00.000Z', durationMs: 134_000, ok: false,
    changes, health, errors: Array.from({ length: 500 }, (_, i) => `error ${i}: ${long}`), notices: [long],
  };
}

function recordingKube() {
  const writes: K8sObject[] = [];
  const kube = { async apply(o: K8sObject) { writes.push(o); return { ...o, metadata: { ...o.metadata, uid: 'u' } }; } };
  return { kube: kube as unknown as KubeClient, writes };
}

describe('status of a large result', () => {
  it('stays far below the ConfigMap and request limits, and says how many it did not list', async () => {
    const { kube, writes } = recordingKube();
    await publishStatus(kube, 'gitops', hugeResult());
    const [status, event] = writes;
    const data = status.data as Record<string, string>;
    expect(Buffer.byteLength(data['result.json'])).toBeLessThanOrEqual(STATUS_BYTES);
    expect(Buffer.byteLength(JSON.stringify(status))).toBeLessThan(STATUS_BYTES + 16 * 1024);
    expect(String(event.message).length).toBeLessThanOrEqual(1000);
    expect(event.message).toContain('… and 12495 more failed');

    const stored = JSON.parse(data['result.json']) as StoredResult;
    expect(stored.counts).toMatchObject({ created: 12_500, failed: 12_500 });
    const text = formatStatus(stored, new Date('2026-12-01T10:05:00.000Z'));
    expect(text).toContain('12500 created');
    expect(text).toMatch(/… and 12\d{3} more failed/);
    expect(text).toMatch(/… and \d+ more apps/);
    expect(text).toMatch(/… and \d+ more errors/);
  });

  it('lists everything of a small result and leaves out only unchanged and healthy objects', () => {
    const result: ReconcileResult = {
      env: 'dev', revision: 'b'.repeat(40), startedAt: '2026-12-01T10:00:00.000Z', durationMs: 10, ok: true, errors: [],
      changes: [{ ref: ref(1), action: 'created' }, { ref: ref(2), action: 'unchanged' }, { ref: ref(3), action: 'configured', reason: 'drift' }],
    };
    expect(compact(result)).toEqual({ ...result, changes: [result.changes[0], result.changes[2]], counts: { created: 1, configured: 1, unchanged: 1, pruned: 0, skipped: 0, failed: 0 } });
  });

  it('lists the first objects of each action, up to the limit', () => {
    const changes: Change[] = Array.from({ length: 300 }, (_, i) => ({ ref: ref(i), action: i < 150 ? 'created' : 'pruned' }));
    const stored = compact({ env: 'dev', startedAt: '', durationMs: 0, ok: true, errors: [], changes });
    expect(stored.changes.filter((c) => c.action === 'created')).toEqual(changes.slice(0, LIST_LIMIT));
    expect(stored.changes.filter((c) => c.action === 'pruned')).toEqual(changes.slice(150, 150 + LIST_LIMIT));
  });
});
