// Fault 8: the disk of the clone folder of a `gitops agent` process (a small tmpfs) fills up just before a new revision
// arrives. The fetch fails; the cluster stays as last applied and the status says why; once space is
// free again, the agent fetches into the same clone and applies the newest revision.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../agent/status-command.ts';
import { cleanUp, tempDir } from '../agent-source/fixtures.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { agentChild, configMaps, convergedAt, expectConsistent, killAgents, recordConvergence, scene } from './harness.ts';

const disk = tempDir('fault-tmpfs-');
let mounted = false;
beforeAll(() => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk]);
  mounted = true;
});
afterAll(() => {
  killAgents();
  // Lazy: a git process the agent left behind must not keep the mount alive.
  if (mounted) execFileSync('umount', ['-l', disk]);
  cleanUp();
});

describe('clone folder on a full disk', () => {
  it('keeps the cluster as it was, reports the full disk, and recovers when space is free', { timeout: 90_000 }, async () => {
    const s = await scene(sharedCluster(), 'disk-full');
    const first = s.publish(configMaps(20, 'v1'));
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: join(disk, 'clone'), interval: '300ms' });
    try {
      await convergedAt(s, first);
      const filler = join(disk, 'filler');
      const { bavail, bsize } = statfsSync(disk);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 32 * 1024)));
      const startedAt = Date.now();
      const values = configMaps(20, 'v2');
      const newest = s.publish(values, { files: { 'assets/blob.txt': randomBytes(1_000_000).toString('base64') } });
      const failed = await waitFor('the status to report the full disk', () => readStatus(s.cluster.connection, s.namespace, s.env),
        (r) => r.errors.some((e) => e.startsWith('source: ')), { timeoutMs: 20_000 });
      expect(failed).toMatchObject({ revision: first, ok: false });
      expect(failed.errors[0]).toContain('No space left on device');
      expect(await s.live()).toEqual(configMaps(20, 'v1'));

      rmSync(filler);
      const healedAt = Date.now();
      await convergedAt(s, newest);
      recordConvergence('clone folder disk full (4 MiB tmpfs)', { startedAt, healedAt });
      await expectConsistent(s, newest, values);
      expect(agent.process.exitCode).toBeNull(); // still running
    } finally {
      await agent.kill();
    }
  });
});
