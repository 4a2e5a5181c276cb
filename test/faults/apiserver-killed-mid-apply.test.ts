// Fault 1: kube-apiserver is SIGKILLed while the agent applies 400 new ConfigMaps, and comes back a
// moment later (with an audit log, to count what it receives from then on). The agent must finish the
// revision: every object there and written at most once more, the inventory exactly what it owns, the
// status ok at that commit, and nobody else's object touched.
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../agent/kube.ts';
import { cleanUp } from '../agent-source/fixtures.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';
import { auditLog } from './audit-log.ts';
import { bystander, failures, configMaps, convergedAt, expectConsistent, inProcessAgent, recordConvergence, scene, when } from './harness.ts';

const fresh = useFreshControlPlane();
afterAll(cleanUp);

describe('kube-apiserver killed mid-apply', () => {
  it('converges on the revision once the API server is back', async () => {
    const s = await scene(fresh(), 'kill-apply');
    const stays = await bystander(s);
    const values = configMaps(400, 'v1');
    const commit = s.publish(values);
    const { reconciler, results, stop } = await inProcessAgent(s);
    try {
      // Dry runs are not writes: 120 writes means the agent is well into the real applies.
      await when('the agent to be mid-apply', () => reconciler.kube.counts.writes >= 120, 30_000, 2);
      const startedAt = Date.now();
      await fresh().controlPlane.kill('kube-apiserver');
      await new Promise((r) => setTimeout(r, 1_000));
      const audit = auditLog();
      await fresh().controlPlane.start('kube-apiserver', { args: audit.args });
      const healedAt = Date.now();
      const status = await convergedAt(s, commit);
      recordConvergence('kube-apiserver SIGKILLed mid-apply (400 ConfigMaps)', { startedAt, healedAt });
      // The fault hit the reconcile: it failed, and a later one synced the revision.
      expect(failures(results.find((r) => r.revision === commit && !r.ok))).toMatch(/cannot reach|ECONNRE|socket hang up/);
      await expectConsistent(s, commit, values);
      const writes = audit.writesPerConfigMap(s.namespace);
      expect(Object.keys(values).filter((name) => (writes.get(name)?.patch ?? 0) > 1)).toEqual([]);
      expect(status.sourceCommit).toBeDefined();
      expect(await stays()).toBe(true);
      // Drift right after the restart is healed as fast as ever (the watches are back).
      const kube = new KubeClient(s.cluster.connection);
      const deletedAt = Date.now();
      await kube.delete({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: s.namespace, name: 'cm-000' }, 'Background');
      await when('cm-000 to be re-created', async () => (await kube.read('v1', 'ConfigMap', s.namespace, 'cm-000')) !== undefined, 10_000, 50);
      console.log(`[fault] drift right after the kube-apiserver restart: healed in ${((Date.now() - deletedAt) / 1000).toFixed(1)} s`);
    } finally {
      await stop();
    }
  });
});
