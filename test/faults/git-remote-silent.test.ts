// Fault 7: the git remote accepts connections and never answers (a loopback proxy that swallows every
// byte). With a short git timeout the agent gives up on each attempt, keeps the cluster as last
// applied, says so in the status, and applies the newest revision once the remote answers again.
import { afterAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../agent/status-command.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { cleanUp, tempDir } from '../agent-source/fixtures.ts';
import { agentChild, closeProxies, killAgents, configMaps, convergedAt, expectConsistent, recordConvergence, scene, servedThroughProxy } from './harness.ts';

afterAll(async () => {
  killAgents();
  await closeProxies();
  cleanUp();
});

describe('git remote that never answers', () => {
  it('times out, keeps the last state, reports it, and recovers', { timeout: 90_000 }, async () => {
    const s = await scene(sharedCluster(), 'git-silent');
    const first = s.publish(configMaps(20, 'v1'));
    const { proxy, url } = await servedThroughProxy(s);
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('fault-clone-'), repo: url, interval: '300ms', extra: ['--git-timeout', '1500ms'] });
    try {
      await convergedAt(s, first);
      const startedAt = Date.now();
      const accepted = proxy.stats().connections;
      proxy.set({ blackhole: true });
      const values = configMaps(30, 'v2');
      const newest = s.publish(values);
      const failed = await waitFor('the status to report the git timeout', () => readStatus(s.cluster.connection, s.namespace, s.env),
        (r) => r.errors.some((e) => e.includes('was stopped after 1500 ms')), { timeoutMs: 20_000 });
      expect(failed).toMatchObject({ revision: first, ok: false });
      expect(failed.errors[0]).toMatch(/^source: .*the cluster stays as last applied/s);
      // The agent keeps trying: new connections are accepted, then left hanging.
      await waitFor('another attempt at the silent remote', async () => proxy.stats().connections, (n) => n > accepted, { timeoutMs: 10_000 });
      expect(await s.live()).toEqual(configMaps(20, 'v1'));

      proxy.set({ blackhole: false });
      const healedAt = Date.now();
      await convergedAt(s, newest);
      recordConvergence('git remote silent (accepts, never answers; 1.5 s git timeout)', { startedAt, healedAt });
      await expectConsistent(s, newest, values);
    } finally {
      await agent.kill();
    }
  });
});
