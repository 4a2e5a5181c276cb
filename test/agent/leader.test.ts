// Leader election between agents of one environment, on a real Lease.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startLeaderElection, type LeaderElector } from '../../agent/leader.ts';
import { onceAsLeader } from '../../agent/leadership.ts';
import { formatError } from '../../core/errors.ts';
import { KubeClient } from '../../agent/kube.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { configMap, quietLog, reconcilerFor, revisionOf, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'lease' });
const electors: LeaderElector[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  children.splice(0).forEach((c) => c.kill('SIGKILL'));
  await Promise.all(electors.splice(0).map((e) => e.stop()));
});

const until = (what: string, check: () => boolean, timeoutMs: number) => waitFor(what, async () => check(), (ok) => ok, { timeoutMs, intervalMs: 50 });

function elector(name: string, identity: string): LeaderElector {
  const e = startLeaderElection({ connection: ns.connection, namespace: ns.name, name, identity, leaseDurationMs: 2_000, retryMs: 300, log: quietLog });
  electors.push(e);
  return e;
}

describe('leader election', () => {
  it('elects exactly one of two agents', async () => {
    const name = uniqueName('lease');
    const a = elector(name, 'a');
    const b = elector(name, 'b');
    await until('a leader', () => a.isLeader() || b.isLeader(), 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
  });

  it('hands over within the lease duration when the leader is killed', async () => {
    const name = uniqueName('lease');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run-ts.js'), 'test/agent/fixtures/elector.ts', ns.kubeconfigPath, ns.name, name, 'doomed'], { cwd: REPO_ROOT });
    children.push(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    await until('the child process to lead', () => output.includes('leading'), 15_000);
    const standby = elector(name, 'standby');
    await new Promise((r) => setTimeout(r, 600));
    expect(standby.isLeader()).toBe(false);
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await until('the standby to take over', () => standby.isLeader(), 5_000);
    expect(Date.now() - killedAt).toBeLessThan(2_000 + 1_000); // lease duration plus one retry and slack
  });

  it('stops writing at once when it loses the lease', async () => {
    const name = uniqueName('lease');
    const a = elector(name, 'a');
    await until('a to lead', () => a.isLeader(), 5_000);
    const kube = new KubeClient(ns.connection);
    kube.writeGuard = () => (a.isLeader() ? undefined : 'this agent is not the leader');
    await kube.apply(configMap(ns.name, 'written-while-leading'));

    // Another agent takes the lease (as after a network partition): a must notice on its next renewal.
    const intruder = new KubeClient(ns.connection);
    const lease = await intruder.read('coordination.k8s.io/v1', 'Lease', ns.name, name);
    await intruder.replace({ ...lease!, spec: { ...(lease!.spec as object), holderIdentity: 'intruder', renewTime: new Date().toISOString().replace('Z', '000Z'), leaseDurationSeconds: 30 } });
    await until('a to step down', () => !a.isLeader(), 1_000);
    await expect(kube.apply(configMap(ns.name, 'written-after'))).rejects.toThrow(/not the leader/);
  });

  it('reconciles once only as the holder: refuses naming a live holder, takes a free Lease and releases it after', async () => {
    const env = uniqueName('env');
    const name = `typed-gitops-${env}`;
    const reconciler = reconcilerFor(env, ns.name);
    const once = onceAsLeader({ connection: ns.connection, namespace: ns.name, env, reconciler, log: quietLog, leaseDurationMs: 1_500 });
    const revision = revisionOf(env, { app: [configMap(ns.name, 'once')] });
    const live = elector(name, 'live');
    await until('the live agent to lead', () => live.isLeader(), 5_000);
    const refused = await once.reconcile(revision).then(() => 'reconciled', formatError);
    expect(refused).toBe(`Lease ${ns.name}/${name}: another agent (live) holds the Lease ${name} in ${ns.name}; stop it, wait, or pass --no-leader-elect; nothing was applied`);
    const kube = new KubeClient(ns.connection);
    expect(await kube.read('v1', 'ConfigMap', ns.name, 'once')).toBeUndefined();

    await live.stop();
    expect((await once.reconcile(revision)).ok).toBe(true);
    expect(await kube.read('v1', 'ConfigMap', ns.name, 'once')).toBeDefined();
    const lease = await kube.read('coordination.k8s.io/v1', 'Lease', ns.name, name);
    expect((lease?.spec as { holderIdentity?: string }).holderIdentity).toBe('');
    await expect(reconciler.kube.apply(configMap(ns.name, 'after'))).rejects.toThrow(/not the leader/); // no writes after the release
  });

  it('refuses at once, naming the Lease, when it cannot be read', async () => {
    const env = uniqueName('env');
    const nowhere = { ...ns.connection, server: 'https://127.0.0.1:1' };
    const once = onceAsLeader({ connection: nowhere, namespace: ns.name, env, reconciler: reconcilerFor(env, ns.name, { connection: nowhere }), log: quietLog });
    const started = Date.now();
    const refused = await once.reconcile(revisionOf(env, { app: [configMap(ns.name, 'x')] })).then(() => 'reconciled', formatError);
    expect(refused).toMatch(new RegExp(`^Lease ${ns.name}/typed-gitops-${env}: could not take the Lease typed-gitops-${env} in ${ns.name}: cannot reach https://127.0.0.1:1: .*; nothing was applied$`));
    expect(Date.now() - started).toBeLessThan(5_000); // not the 25 s a held Lease is waited for
  });
});
