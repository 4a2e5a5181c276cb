// watchStatus decides when `gitops status --wait-healthy/--watch` ends and with which code; fed statuses in turn.
import { describe, expect, it } from 'vitest';
import { watchStatus } from './status-command.ts';
import type { StoredResult } from './status.ts';
import type { HealthStatus } from './health/types.ts';

const at = (revision: string, status: HealthStatus, ok = true): StoredResult => ({
  env: 'prod', revision, startedAt: '', durationMs: 0, changes: [], errors: [], ok, health: { status, message: `Deployment web: ${status}`, apps: {}, objects: [] },
});

function feed(...results: StoredResult[]) {
  let i = 0;
  const shown: string[] = [];
  return { shown, read: async () => [results[Math.min(i++, results.length - 1)]!], show: (r: readonly StoredResult[]) => { shown.push(`${r[0]!.revision}:${r[0]!.health!.status}`); } };
}

describe('watchStatus', () => {
  it('without a wait: the verdict of one read (Progressing is 0, Degraded 5, failed 1)', async () => {
    expect((await watchStatus({ ...feed(at('a', 'Progressing')) })).code).toBe(0);
    expect((await watchStatus({ ...feed(at('a', 'Degraded')) })).code).toBe(5);
    expect((await watchStatus({ ...feed(at('a', 'Healthy', false)) })).code).toBe(1);
  });

  it('waits for the wanted commit to be Healthy, showing each change once', async () => {
    const f = feed(at('old1', 'Healthy'), at('old1', 'Healthy'), at('new1', 'Progressing'), at('new1', 'Healthy'));
    const verdict = await watchStatus({ ...f, waitMs: 5_000, pollMs: 1, commit: 'new' });
    expect(verdict).toMatchObject({ code: 0, done: true });
    expect(f.shown).toEqual(['old1:Healthy', 'new1:Progressing', 'new1:Healthy']);
  });

  it('ends early on Degraded, and says 6 at the deadline when still Progressing or not at the commit', async () => {
    expect(await watchStatus({ ...feed(at('a', 'Progressing'), at('a', 'Degraded')), waitMs: 5_000, pollMs: 1 })).toMatchObject({ code: 5, reason: 'prod is Degraded: Deployment web: Degraded' });
    expect(await watchStatus({ ...feed(at('a', 'Progressing')), waitMs: 50, pollMs: 5 })).toMatchObject({ code: 6, reason: 'prod is Progressing: Deployment web: Progressing' });
    expect(await watchStatus({ ...feed(at('a', 'Healthy')), waitMs: 50, pollMs: 5, commit: 'b' })).toMatchObject({ code: 6, reason: 'prod is at a, not yet at b' });
  });

  it('waits for a status that is not there yet, and gives the read error at the deadline', async () => {
    let reads = 0;
    const read = async () => { if (++reads < 3) throw new Error('no status yet'); return [at('a', 'Healthy')]; };
    expect((await watchStatus({ read, show: () => {}, waitMs: 5_000, pollMs: 1 })).code).toBe(0);
    await expect(watchStatus({ read: () => Promise.reject(new Error('no status')), show: () => {}, waitMs: 30, pollMs: 5 })).rejects.toThrow('no status');
  });
});
