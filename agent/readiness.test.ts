import { describe, expect, it } from 'vitest';
import { freshness, readiness } from './readiness.ts';
import type { ReconcileResult } from './types.ts';

const result = (standby = false): ReconcileResult => ({ env: 'dev', startedAt: '', durationMs: 1, changes: [], errors: [], ok: true, ...(standby ? { standby } : {}) });

describe('readiness: a finished cycle and a recent look at the branch head', () => {
  it('is not ready before a cycle finished, nor while git has not answered for longer than the freshness', () => {
    expect(readiness({ now: 1000, freshForMs: 60_000 })).toMatchObject({ ready: false, reason: 'no cycle has finished yet' });
    expect(readiness({ now: 1000, last: result(), freshForMs: 60_000 })).toMatchObject({ ready: false, role: 'leader' });
    expect(readiness({ now: 200_000, last: result(), headSeenAt: 100_000, freshForMs: 60_000 })).toMatchObject({ ready: false, reason: expect.stringContaining('100 s ago') });
  });

  it('is ready as the leader or as a standby', () => {
    expect(readiness({ now: 120_000, last: result(), headSeenAt: 100_000, freshForMs: 60_000 })).toEqual({ ready: true, role: 'leader', reason: 'reconciling' });
    expect(readiness({ now: 120_000, last: result(true), headSeenAt: 100_000, freshForMs: 60_000 })).toMatchObject({ ready: true, role: 'standby' });
  });

  it('allows three intervals, and at least a minute', () => {
    expect(freshness(10_000)).toBe(60_000);
    expect(freshness(3_600_000)).toBe(3 * 3_600_000);
  });
});
