// Fault 6: the git remote (a git daemon on loopback, behind a slow line) dies while the agent fetches
// a large new revision. The cluster stays as last applied and the status says the source failed;
// once the remote is back, the agent applies the newest revision from a clone the kill did not break.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../agent/status-command.ts';
import { cleanUp } from '../agent-source/fixtures.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { closeProxies, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, servedThroughProxy, when } from './harness.ts';

afterAll(async () => {
  await closeProxies();
  cleanUp();
});

describe('git remote killed mid-fetch', () => {
  it('keeps the cluster as it was, reports it, and applies the newest revision when the remote is back', { timeout: 90_000 }, async () => {
    const s = await scene(sharedCluster(), 'git-kill');
    const first = s.publish(configMaps(20, 'v1'));
    const { daemon, proxy, url } = await servedThroughProxy(s);
    const { stop } = await inProcessAgent(s, { url, interval: 300 });
    try {
      await convergedAt(s, first);
      // About 5 MB that does not compress, at 1 MB/s: the fetch takes seconds.
      proxy.set({ bytesPerSecond: 1_000_000 });
      s.publish(configMaps(20, 'v2'), { files: { 'assets/blob.txt': randomBytes(4_000_000).toString('base64') } });
      const sent = proxy.stats().bytesOut;
      await when('the fetch to be under way', () => proxy.stats().bytesOut > sent + 500_000, 30_000);
      const startedAt = Date.now();
      await daemon.stop();
      proxy.resetAll();
      const failed = await waitFor('the status to report the source error', () => readStatus(s.cluster.connection, s.namespace, s.env),
        (r) => r.errors.some((e) => e.startsWith('source: ')));
      expect(failed).toMatchObject({ revision: first, ok: false });
      expect(failed.errors[0]).toContain('the cluster stays as last applied');
      expect(await s.live()).toEqual(configMaps(20, 'v1'));

      proxy.set({ bytesPerSecond: 0 });
      const values = configMaps(25, 'v3');
      const newest = s.publish(values);
      await daemon.restart();
      const healedAt = Date.now();
      await convergedAt(s, newest);
      recordConvergence('git remote killed mid-fetch (5 MB revision)', { startedAt, healedAt });
      await expectConsistent(s, newest, values);
    } finally {
      await stop();
    }
  });
});
