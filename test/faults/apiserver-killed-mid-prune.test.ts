// Fault 2: kube-apiserver is SIGKILLed while the agent prunes 390 ConfigMaps that left git, and comes
// back. The agent must finish the prune: only the revision's objects left (and one annotated to stay),
// the inventory exactly what it owns, the status ok at that commit, nobody else's object touched.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../agent-source/fixtures.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';
import { bystander, failures, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, when } from './harness.ts';

const fresh = useFreshControlPlane();
afterAll(cleanUp);

describe('kube-apiserver killed mid-prune', () => {
  it('finishes the prune once the API server is back, and forgets exactly what it deleted', async () => {
    const s = await scene(fresh(), 'kill-prune');
    const stays = await bystander(s);
    const kept = configMaps(10, 'kept', 'keep');
    const all = { ...kept, ...configMaps(390, 'v1'), retained: 'v1' };
    const first = s.publish(all, { annotations: { retained: { 'typed-gitops.dev/prune': 'disabled' } } });
    const { reconciler, results, stop } = await inProcessAgent(s);
    try {
      await convergedAt(s, first);
      const second = s.publish(kept);
      const deletesBefore = reconciler.kube.counts.writes;
      await when('the agent to be mid-prune', () => reconciler.kube.counts.writes >= deletesBefore + 100, 30_000, 2);
      const startedAt = Date.now();
      await fresh().controlPlane.kill('kube-apiserver');
      await new Promise((r) => setTimeout(r, 1_000));
      await fresh().controlPlane.start('kube-apiserver');
      const healedAt = Date.now();
      await convergedAt(s, second);
      recordConvergence('kube-apiserver SIGKILLed mid-prune (390 of 401 ConfigMaps)', { startedAt, healedAt });
      expect(failures(results.find((r) => r.revision === second && !r.ok))).toMatch(/cannot reach|ECONNRE|socket hang up/);
      // `retained` stays (annotated) but is no longer the agent's to track.
      await expectConsistent(s, second, kept, { untracked: ['retained'] });
      expect((await s.live()).retained).toBe('v1');
      expect(await stays()).toBe(true);
    } finally {
      await stop();
    }
  });
});
