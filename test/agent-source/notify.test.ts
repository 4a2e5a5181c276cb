// Notifications to a real HTTP receiver on loopback: signed bodies, retries with backoff, a bounded queue
// that drops the oldest and says how many, sending that never waits, and a URL whose token is never logged.
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../agent/notify.ts';
import { eventOf, notifyingReconciler } from '../../agent/notify-reconciler.ts';
import { hugeResult } from '../agent/status-results.ts';
import type { Reconciler } from '../../agent/reconcile.ts';
import type { ReconcileResult } from '../../agent/types.ts';
import { startReceiver, type Receiver } from '../helpers/notify-receiver.ts';
import { memoryLogger, until } from './fixtures.ts';

const SECRET = 'notify-key-for-tests';
let receiver: Receiver | undefined;
afterEach(async () => { await receiver?.close(); receiver = undefined; });

describe('notifications', () => {
  it('POSTs each body signed with HMAC-SHA256 of its raw bytes, with an id, the time and a drop count', async () => {
    receiver = await startReceiver(SECRET, '/hooks/t0ken-in-path');
    const { log } = memoryLogger();
    const notifier = createNotifier({ url: receiver.url, secret: SECRET, log });
    notifier.send({ type: 'typed-gitops.reconcile', env: 'dev', ok: true });
    await notifier.close(5_000);
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got.signed).toBe(true);
    expect(got.path).toBe('/hooks/t0ken-in-path');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.body).toMatchObject({ type: 'typed-gitops.reconcile', env: 'dev', ok: true, dropped: 0, id: expect.stringMatching(/^[0-9a-f-]{36}$/), sentAt: expect.any(String) });
  });

  it('retries a 503 and a connection refused with backoff, and gives a 400 up at once, logging only the origin', async () => {
    receiver = await startReceiver(SECRET, '/hooks/t0ken-in-path');
    receiver.answers = [503, 503];
    const { log, lines } = memoryLogger();
    const notifier = createNotifier({ url: receiver.url, secret: SECRET, log, backoffMs: 50 });
    const started = Date.now();
    notifier.send({ n: 1 });
    await until(() => receiver!.received.length === 1, 'the retried body');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // 50 + 100 ms of backoff

    receiver.answers = [400];
    notifier.send({ n: 2 });
    notifier.send({ n: 3 });
    await notifier.close(5_000);
    expect(receiver.received.map((r) => r.body.n)).toEqual([1, 3]);
    expect(lines().find((l) => l.status === 400)).toMatchObject({ msg: 'the notification receiver refused the notification; not retried', target: receiver.url.replace('/hooks/t0ken-in-path', '') });

    const url = receiver.url;
    await receiver.close();
    const gone = createNotifier({ url, secret: SECRET, log, attempts: 3, backoffMs: 10 });
    gone.send({ n: 4 });
    await gone.close(5_000);
    const gaveUp = lines().find((l) => l.msg === 'could not deliver a notification; gave up');
    expect(gaveUp).toMatchObject({ attempts: 3, problem: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(lines())).not.toContain('t0ken');
  });

  it('never waits for the receiver: a full queue drops the oldest, and the next body says how many', async () => {
    receiver = await startReceiver(SECRET);
    receiver.delayMs = 300;
    const { log, lines } = memoryLogger();
    const notifier = createNotifier({ url: receiver.url, secret: SECRET, log, queueLimit: 3 });
    const started = performance.now();
    for (let n = 1; n <= 10; n++) notifier.send({ n });
    expect(performance.now() - started).toBeLessThan(50);
    await notifier.close(10_000);
    // 1 went out at once; of 2..10, the queue kept the last 3 and dropped 6.
    expect(receiver.received.map((r) => [r.body.n, r.body.dropped])).toEqual([[1, 0], [8, 6], [9, 0], [10, 0]]);
    expect(lines().filter((l) => l.msg === 'notification queue full: dropped the oldest')).toHaveLength(6);
  });

  it('tells a reconcile that changed something, a failure once until it changes, and the recovery', () => {
    const base: ReconcileResult = { env: 'dev', startedAt: '', durationMs: 1, changes: [], errors: [], ok: true };
    const ref = { group: '', kind: 'ConfigMap', namespace: 'a', name: 'b' };
    expect(eventOf(base, undefined, undefined)).toBeUndefined();
    expect(eventOf({ ...base, changes: [{ ref, action: 'unchanged' }] }, undefined, undefined)).toBeUndefined();
    for (const action of ['created', 'configured', 'pruned'] as const) expect(eventOf({ ...base, changes: [{ ref, action }] }, undefined, undefined)).toBe('changed');
    const failed = { ...base, ok: false, errors: ['boom'] };
    expect(eventOf(failed, undefined, 'f1')).toBe('failed');
    expect(eventOf(failed, 'f1', 'f1')).toBeUndefined();
    expect(eventOf(failed, 'f1', 'f2')).toBe('failed');
    expect(eventOf(base, 'f2', undefined)).toBe('recovered');
  });

  it('keeps a body small whatever a reconcile held: 25,000 objects with long messages', async () => {
    const bodies: Record<string, unknown>[] = [];
    const notifier = { send: (b: Record<string, unknown>) => bodies.push(b), close: async () => {}, target: '' };
    const inner: Pick<Reconciler, 'reconcile' | 'reportSourceError'> = { reconcile: async () => hugeResult(), reportSourceError: async () => {} };
    const reconciler = notifyingReconciler(inner, notifier, 'bench');
    await reconciler.reconcile({ commit: 'a'.repeat(40), env: 'bench', files: new Map() });
    expect(bodies).toHaveLength(1);
    const text = JSON.stringify(bodies[0]);
    expect(Buffer.byteLength(text)).toBeLessThan(256 * 1024);
    expect(bodies[0]).toMatchObject({ event: 'failed', counts: { created: 12_500, failed: 12_500 }, omitted: { errors: 480 } });
    expect((bodies[0].changes as unknown[]).length).toBe(40);
  });
});
