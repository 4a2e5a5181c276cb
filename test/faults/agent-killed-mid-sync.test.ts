// Fault 5: the `gitops agent` process is SIGKILLed while it creates 400 ConfigMaps, and started again
// with the same clone folder. The new process waits out the dead one's Lease, then finishes the
// revision: every object there, the inventory exactly what it owns, the status ok at that commit.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, tempDir } from '../agent-source/fixtures.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { agentChild, bystander, configMaps, convergedAt, expectConsistent, killAgents, recordConvergence, scene, when } from './harness.ts';

afterAll(() => {
  killAgents();
  cleanUp();
});

describe('agent killed mid-sync', () => {
  it('converges on the revision after a restart', { timeout: 120_000 }, async () => {
    const s = await scene(sharedCluster(), 'kill-agent');
    const stays = await bystander(s);
    const values = configMaps(400, 'v1');
    const commit = s.publish(values);
    const options = { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('fault-clone-') };
    const first = agentChild(s, options);
    await when('the agent to be mid-sync', async () => {
      const n = Object.keys(await s.live()).length;
      return n >= 60 && n < 400;
    }, 60_000, 5);
    const startedAt = Date.now();
    await first.kill();
    const applied = Object.keys(await s.live()).length;
    expect(applied).toBeLessThan(400);
    const second = agentChild(s, options);
    const healedAt = Date.now();
    try {
      await convergedAt(s, commit, 60_000);
      recordConvergence(`agent SIGKILLed mid-sync at ${applied} of 400 ConfigMaps, restarted`, { startedAt, healedAt });
      await expectConsistent(s, commit, values);
      expect(await stays()).toBe(true);
    } finally {
      await second.kill();
    }
  });
});
