// Fault 4b: the network to the API server goes silent mid-sync (a partition: connections stay open,
// no byte arrives, no reset) for 5 s, then comes back. Requests sent into the silence never get an
// answer; the agent must give up on them (a request timeout), back off and converge once the network
// is back, instead of waiting forever on a dead connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConnection } from '../../agent/kubeconfig.ts';
import type { TcpProxy } from '../controlplane/tcp-proxy.js';
import { cleanUp } from '../agent-source/fixtures.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { apiServerProxy, bystander, closeProxies, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, when } from './harness.ts';

let proxy: TcpProxy;
let throughProxy: KubeConnection;
beforeAll(async () => {
  ({ proxy, connection: throughProxy } = await apiServerProxy(Number(new URL(sharedCluster().connection.server).port), sharedCluster().kubeconfigPath));
});
afterAll(async () => {
  await closeProxies();
  cleanUp();
});

describe('API server behind a network that goes silent', () => {
  it('gives up on requests that never get an answer and converges when the network is back', { timeout: 120_000 }, async () => {
    const s = await scene(sharedCluster(), 'blackhole');
    const stays = await bystander(s);
    const first = s.publish(configMaps(50, 'v1'));
    const { reconciler, stop } = await inProcessAgent(s, { connection: throughProxy });
    try {
      await convergedAt(s, first);
      const values = configMaps(50, 'v2');
      const second = s.publish(values);
      const before = reconciler.kube.counts.writes;
      await when('the agent to be mid-sync', () => reconciler.kube.counts.writes >= before + 4, 30_000, 1);
      const startedAt = Date.now();
      proxy.set({ blackhole: true });
      await new Promise((r) => setTimeout(r, 5_000));
      proxy.set({ blackhole: false });
      const healedAt = Date.now();
      // client-go finds a dead connection within about 45 s (HTTP/2 pings); a minute is generous.
      await convergedAt(s, second, 60_000);
      recordConvergence('API server network silent 5 s mid-sync (50 ConfigMaps)', { startedAt, healedAt });
      await expectConsistent(s, second, values);
      expect(await stays()).toBe(true);
    } finally {
      await stop();
    }
  });
});
