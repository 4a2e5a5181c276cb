// Fault 4: the agent reaches the API server through a proxy that adds 2 s to every round trip, then
// resets its connections mid-sync. The server's audit log counts the writes: with latency alone each
// object is written exactly once (nothing is retried that succeeded), and resets cost at most one
// retry per object; the agent backs off, comes back and ends at the newest revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConnection } from '../../agent/kubeconfig.ts';
import type { TcpProxy } from '../controlplane/tcp-proxy.js';
import { cleanUp } from '../agent-source/fixtures.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';
import { auditLog } from './audit-log.ts';
import { apiServerProxy, bystander, closeProxies, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, when } from './harness.ts';

const audit = auditLog();
const fresh = useFreshControlPlane({ args: { 'kube-apiserver': audit.args } });
let proxy: TcpProxy;
let throughProxy: KubeConnection;
beforeAll(async () => {
  ({ proxy, connection: throughProxy } = await apiServerProxy(fresh().controlPlane.apiserverPort, fresh().kubeconfigPath));
});
afterAll(async () => {
  await closeProxies();
  cleanUp();
});

const patches = (s: { namespace: string }, names: readonly string[]) => {
  const counts = audit.writesPerConfigMap(s.namespace);
  return names.map((n) => counts.get(n)?.patch ?? 0);
};

describe('API server behind a slow, then dropping network', () => {
  it('writes each object once at 2 s latency, survives resets with at most one retry each, and converges', { timeout: 120_000 }, async () => {
    const s = await scene(fresh(), 'proxy');
    const stays = await bystander(s);
    const names = Object.keys(configMaps(8, ''));
    proxy.set({ latencyMs: 2_000 });
    const first = s.publish(configMaps(8, 'v1'));
    const startedAt = Date.now();
    const { reconciler, results, stop } = await inProcessAgent(s, { connection: throughProxy });
    try {
      await convergedAt(s, first, 90_000);
      recordConvergence('API server behind 2 s latency (8 ConfigMaps)', { startedAt });
      await expectConsistent(s, first, configMaps(8, 'v1'));
      expect(patches(s, names)).toEqual(names.map(() => 1));

      proxy.set({ latencyMs: 0 });
      const values = configMaps(8, 'v2');
      const second = s.publish(values);
      const before = reconciler.kube.counts.writes;
      await when('the agent to be mid-sync', () => reconciler.kube.counts.writes >= before + 4, 30_000, 1);
      const resetAt = Date.now();
      proxy.resetAll();
      await convergedAt(s, second);
      recordConvergence('API server connections reset mid-sync', { startedAt: resetAt, healedAt: resetAt });
      await expectConsistent(s, second, values);
      // The reset failed a reconcile; v1 was written once, v2 at most twice (again only when the reset lost the answer).
      expect(results.find((r) => r.revision === second && !r.ok)?.changes.some((c) => c.action === 'failed')).toBe(true);
      for (const n of patches(s, names)) expect([2, 3]).toContain(n);
      expect(await stays()).toBe(true);
    } finally {
      await stop();
    }
  });
});
