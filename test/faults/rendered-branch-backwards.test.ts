// Fault 9: the rendered branch is force-pushed back to an older commit. The agent (a `gitops agent`
// process) must not crash or stall, and by default it must not go back: the head is refused, the cluster
// stays at the newer commit and the status says why, also after a restart with a new clone (the last
// applied commit is the inventory's). With --allow-rewind it follows, prunes what only the newer
// commit had, and says so in the status and the Event.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../agent/kube.ts';
import { cleanUp, git, tempDir } from '../agent-source/fixtures.ts';
import { readStatus } from '../../agent/status-command.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { agentChild, bystander, BRANCH, configMaps, convergedAt, expectConsistent, killAgents, recordConvergence, scene, when, type Scene } from './harness.ts';

afterAll(() => {
  killAgents();
  cleanUp();
});

const refusal = (s: Scene, commit: string) => waitFor(`the status of ${s.env} to refuse ${commit.slice(0, 12)}`, () => readStatus(s.cluster.connection, s.namespace, s.env),
  (r) => !r.ok && r.errors.some((e) => e.includes(`commit ${commit} does not descend from`)), { timeoutMs: 30_000, intervalMs: 100 });

describe('rendered branch force-pushed to an older commit', () => {
  it('is refused by default, also after a restart with a new clone, and followed with --allow-rewind', { timeout: 90_000 }, async () => {
    const s = await scene(sharedCluster(), 'backwards');
    const stays = await bystander(s);
    const older = configMaps(10, 'v1');
    const old = s.publish(older);
    const agentFor = (extra: readonly string[] = []) => agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('fault-clone-'), interval: '300ms', extra });
    let agent = agentFor();
    try {
      await convergedAt(s, old);
      const newerValues = { ...configMaps(10, 'v2'), ...configMaps(5, 'new', 'extra') };
      const newer = s.publish(newerValues);
      await convergedAt(s, newer);

      const startedAt = Date.now();
      // What `git push --force origin <old>:rendered` does to the remote.
      git(s.remote.path, 'update-ref', `refs/heads/${BRANCH}`, old);
      const refused = await refusal(s, old);
      recordConvergence('rendered branch force-pushed to an older commit (refused)', { startedAt, healedAt: startedAt });
      expect(refused.revision).toBe(newer);
      expect(refused.errors[0]).toContain(`the cluster stays at ${newer}`);
      expect(await s.live()).toEqual(newerValues);

      // A restart with an empty clone still knows what was applied: the inventory records it.
      await agent.kill();
      agent = agentFor();
      await refusal(s, old);
      expect(await s.live()).toEqual(newerValues);
      await agent.kill();

      // --once refuses it too, with exit 1, as the Lease holder.
      agent = agentFor(['--once']);
      const exitCode = await new Promise<number | null>((done) => agent.process.on('exit', done));
      expect(exitCode).toBe(1);
      await when('the refusal in the --once log', () => readFileSync(agent.logFile, 'utf8').includes(`commit ${old} does not descend from ${newer}`));
      expect(await s.live()).toEqual(newerValues);

      agent = agentFor(['--allow-rewind']);
      const status = await convergedAt(s, old);
      await expectConsistent(s, old, older);
      const notice = status.notices?.join('\n') ?? '';
      expect(notice).toContain(`REWIND ALLOWED: the rendered branch moved from ${newer}`);
      const events = await new KubeClient(s.cluster.connection).list('v1', 'Event', { namespace: s.namespace });
      expect(events.some((e) => String((e as { message?: string }).message).includes('REWIND ALLOWED'))).toBe(true);
      expect(await stays()).toBe(true);
      expect(agent.process.exitCode).toBeNull(); // still running
    } finally {
      await agent.kill();
    }
  });
});
