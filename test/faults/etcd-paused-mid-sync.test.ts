// Fault 3: etcd is paused (SIGSTOP) for 10 s while the agent syncs a revision of 300 ConfigMaps,
// then resumed. The API server's requests hang or time out meanwhile; the agent must neither hang
// nor half-apply: it ends at the revision with inventory and status in agreement.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../agent-source/fixtures.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';
import { bystander, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, when } from './harness.ts';

const fresh = useFreshControlPlane();
afterAll(async () => {
  fresh().controlPlane.resume('etcd'); // never leave it stopped, whatever failed
  cleanUp();
});

describe('etcd paused mid-sync', () => {
  it('converges on the revision after etcd resumes', async () => {
    const s = await scene(fresh(), 'etcd-pause');
    const stays = await bystander(s);
    const first = s.publish(configMaps(100, 'v1'));
    const { reconciler, stop } = await inProcessAgent(s);
    try {
      await convergedAt(s, first);
      // The next revision changes 100 objects and adds 200.
      const values = configMaps(300, 'v2');
      const second = s.publish(values);
      const before = reconciler.kube.counts.writes;
      await when('the agent to be mid-sync', () => reconciler.kube.counts.writes >= before + 60, 30_000, 2);
      const startedAt = Date.now();
      fresh().controlPlane.pause('etcd');
      await new Promise((r) => setTimeout(r, 10_000));
      fresh().controlPlane.resume('etcd');
      const healedAt = Date.now();
      await convergedAt(s, second, 90_000);
      recordConvergence('etcd paused 10 s mid-sync (300 ConfigMaps)', { startedAt, healedAt });
      await expectConsistent(s, second, values);
      expect(await stays()).toBe(true);
    } finally {
      await stop();
    }
  });
});
