// What the status object, the log line and the Event hold, for results of any size.
import { describe, expect, it } from 'vitest';
import { hugeResult, ref } from '../test/agent/status-results.ts';
import type { KubeClient } from './kube.ts';
import { compact, LIST_LIMIT, publishStatus, type StoredResult } from './status.ts';
import { formatStatus } from './status-command.ts';
import type { Change, K8sObject, ReconcileResult } from './types.ts';

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
    expect(Buffer.byteLength(data['result.json'])).toBeLessThanOrEqual(256 * 1024);
    expect(Buffer.byteLength(JSON.stringify(status))).toBeLessThan(272 * 1024);
    expect(String(event.message).length).toBeLessThanOrEqual(1000);
    expect(event.message).toContain('… and 12495 more failed');

    const stored = JSON.parse(data['result.json']) as StoredResult;
    expect(stored.counts).toMatchObject({ created: 12_500, failed: 12_500 });
    const text = formatStatus(stored, { now: new Date('2026-12-01T10:05:00.000Z') });
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
