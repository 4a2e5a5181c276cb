// Fault 9: the rendered branch is force-pushed back to an older commit. The agent (a `gitops agent`
// process) must not crash or stall: the cluster follows the older commit (whether to refuse that is a policy of the next issue),
// the objects only the newer commit had are pruned, and the status names the revision it applied.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, git, tempDir } from '../agent-source/fixtures.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { agentChild, bystander, BRANCH, configMaps, convergedAt, expectConsistent, killAgents, recordConvergence, scene } from './harness.ts';

afterAll(() => {
  killAgents();
  cleanUp();
});

describe('rendered branch force-pushed to an older commit', () => {
  it('follows the older commit and says so in the status', { timeout: 60_000 }, async () => {
    const s = await scene(sharedCluster(), 'backwards');
    const stays = await bystander(s);
    const older = configMaps(10, 'v1');
    const old = s.publish(older);
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('fault-clone-'), interval: '300ms' });
    try {
      await convergedAt(s, old);
      const newer = s.publish({ ...configMaps(10, 'v2'), ...configMaps(5, 'new', 'extra') });
      await convergedAt(s, newer);

      const startedAt = Date.now();
      // What `git push --force origin <old>:rendered` does to the remote.
      git(s.remote.path, 'update-ref', `refs/heads/${BRANCH}`, old);
      const status = await convergedAt(s, old);
      recordConvergence('rendered branch force-pushed to an older commit', { startedAt, healedAt: startedAt });
      await expectConsistent(s, old, older);
      expect(status.sourceCommit).toBeDefined();
      expect(status.notices?.join('\n')).toMatch(new RegExp(`moved backwards from ${newer.slice(0, 12)}.* to ${old.slice(0, 12)}`));
      expect(await stays()).toBe(true);
      expect(agent.process.exitCode).toBeNull(); // still running
    } finally {
      await agent.kill();
    }
  });
});
