// Notifications from the real `gitops agent` process reconciling the real control plane, to a receiver on
// loopback that checks each signature: a push that changed something, a commit the server rejects (told
// once, not every interval), the fix, a slow receiver that never holds up the next reconcile, and a URL
// and key that never reach the logs.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { cleanUp, renderedRemote, sleep, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { startReceiver } from '../helpers/notify-receiver.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import type { K8sObject } from '../../agent/types.ts';
import { configMap, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'notify' });
afterAll(() => cleanUp());
const SECRET = 'notify-key-5ecret';
const TOKEN = 'T0KEN-in-the-path';

describe('notifications from a running agent', () => {
  it('are signed, say what changed or failed in the status vocabulary, and never hold the reconcile up', async () => {
    const env = uniqueName('env');
    const receiver = await startReceiver(SECRET, `/hooks/${TOKEN}`);
    const remote = renderedRemote();
    const file = (o: K8sObject) => `${env}/app/${ns.name}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
    let present: string[] = [];
    const commit = (objects: K8sObject[], source?: string) => {
      const files: Record<string, string | null> = Object.fromEntries(present.map((f) => [f, null])); // what the new revision leaves out goes
      for (const o of objects) files[file(o)] = renderedYaml(env, 'app', o);
      present = objects.map(file);
      return remote.commit(files, source);
    };
    const first = commit([configMap(ns.name, 'one'), configMap(ns.name, 'two')], 'a'.repeat(40));
    const args = [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--cache-dir', tempDir(), '--env', env, '--kubeconfig', ns.kubeconfigPath,
      '--namespace', ns.name, '--interval', '300ms', '--no-leader-elect', '--listen', '127.0.0.1:0', '--notify-url-env', 'NOTIFY_URL', '--notify-secret-env', 'NOTIFY_KEY'];
    receiver.delayMs = 6_000; // slow: the agent must go on meanwhile
    const agent = spawn(process.execPath, args, { cwd: tempDir(), env: { ...process.env, NOTIFY_URL: receiver.url, NOTIFY_KEY: SECRET } });
    let output = '';
    agent.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    agent.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const exists = (name: string) => core.readNamespacedConfigMap({ name, namespace: ns.name }).then(() => true, () => false);
    const received = (n: number) => waitFor(`${n} notification(s)`, async () => receiver.received.length, (k) => k >= n, { timeoutMs: 30_000 });
    try {
      await waitFor('the first revision', () => exists('one'), Boolean);
      const second = commit([configMap(ns.name, 'one'), configMap(ns.name, 'two'), configMap(ns.name, 'three')]);
      await waitFor('the second revision, before the first notification got through', () => exists('three'), Boolean, { timeoutMs: 4_000 });
      expect(receiver.received).toHaveLength(0);
      receiver.delayMs = 0;

      await received(2);
      const [changed, next] = receiver.received;
      expect(changed.signed).toBe(true);
      expect(changed.path).toBe(`/hooks/${TOKEN}`);
      expect(changed.body).toMatchObject({
        type: 'typed-gitops.reconcile', event: 'changed', env, ok: true, revision: first, sourceCommit: 'a'.repeat(40), dropped: 0, errors: [],
        counts: { created: 2, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 },
        changes: [{ ref: { kind: 'ConfigMap', name: 'one' }, action: 'created' }, { ref: { kind: 'ConfigMap', name: 'two' }, action: 'created' }],
        health: { status: 'Healthy', apps: { app: { status: 'Healthy' } } },
      });
      expect(next.body).toMatchObject({ event: 'changed', revision: second, counts: { created: 1, unchanged: 2 } });
      await sleep(1_500); // five reconciles with nothing new: no notification
      expect(receiver.received).toHaveLength(2);

      const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: ns.name }, spec: { ports: [{ port: 0 }] } };
      const rejected = commit([configMap(ns.name, 'one'), bad]);
      await received(3);
      expect(receiver.received[2].signed).toBe(true);
      expect(receiver.received[2].body).toMatchObject({ event: 'failed', ok: false, revision: rejected, counts: { failed: 1 }, changes: [{ ref: { kind: 'Service', name: 'bad' }, action: 'failed', reason: expect.stringContaining('port') }] });
      await sleep(1_500); // the same failure, reconciled again: told once
      expect(receiver.received).toHaveLength(3);

      const fixed = commit([configMap(ns.name, 'one')]);
      await received(4);
      expect(receiver.received[3].body).toMatchObject({ event: 'changed', ok: true, revision: fixed, counts: { pruned: 2 } });
      expect(output).toContain('notifications on, signed');
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(SECRET);
    } finally {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
      await receiver.close();
    }
  });
});
