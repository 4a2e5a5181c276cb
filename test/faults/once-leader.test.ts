// Fault 10: two agents for one environment, one of them `gitops agent --once`. The one-shot run takes
// part in leader election: next to a live agent holding the Lease it writes nothing and exits non-zero
// naming the holder; after that agent died it waits for the Lease to expire and applies; with the
// Lease free it applies at once; and each time it releases the Lease as soon as it is done.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KubeClient } from '../../agent/kube.ts';
import { readStatus } from '../../agent/status-command.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { configMap, renderedYaml, uniqueName } from '../agent/harness.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';

const ns = useTestNamespace({ prefix: 'once-leader' });
const children: ChildProcess[] = [];
afterEach(() => { children.splice(0).forEach((c) => c.kill('SIGKILL')); });
afterAll(() => cleanUp());
const outside = tempDir('agent-cwd-'); // no gitops.config.ts: the test environment is not in the repo's config

interface Exit { readonly code: number; readonly stderr: string; readonly ms: number }

function gitops(args: readonly string[]): Promise<Exit> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: outside }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr, ms: Date.now() - started });
    });
  });
}

describe('--once and a running agent for the same environment', () => {
  it('writes only while it holds the Lease, and releases it at once', { timeout: 150_000 }, async () => {
    const env = uniqueName('env');
    const lease = `typed-gitops-${env}`;
    const kube = new KubeClient(ns.connection);
    const common = ['--env', env, '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name];
    const rendered = (value: string) => ({ [`${env}/app/${ns.name}/configmap-shared.yaml`]: renderedYaml(env, 'app', configMap(ns.name, 'shared', { value })) });
    const shared = () => kube.read('v1', 'ConfigMap', ns.name, 'shared');
    const holder = async () => ((await kube.read('coordination.k8s.io/v1', 'Lease', ns.name, lease))?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
    // The running leader may record its status again (its second reconcile after taking the Lease); what --once
    // must never do is write the object or record a result of its own revision.
    const written = async () => [(await shared())?.metadata.resourceVersion, (await readStatus(ns.connection, ns.name, env).catch(() => undefined))?.revision];

    const followed = renderedRemote();
    const runningCommit = followed.commit(rendered('running'));
    const other = renderedRemote(); // what the one-shot run is pointed at: any write of it shows
    other.commit(rendered('once'));
    // Another history than the one applied: never backwards would refuse it without --allow-rewind.
    const once = () => gitops(['agent', '--repo', other.path, '--cache-dir', tempDir(), '--once', '--allow-rewind', ...common]);

    const running = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', followed.path, '--cache-dir', tempDir(),
      '--interval', '1h', '--listen', '127.0.0.1:0', ...common], { cwd: outside, stdio: 'ignore' });
    children.push(running);
    await waitFor('the running agent to lead, apply and record its status', async () => [JSON.stringify((await shared())?.data), (await written())[1]], ([data, revision]) => data === '{"value":"running"}' && revision === runningCommit);
    const runningAgent = await holder();
    expect(runningAgent).toBeTruthy();

    // 1. A live agent holds the Lease: nothing is written, the exit names the holder.
    const before = await written();
    const refused = await once();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`another agent (${runningAgent}) holds the Lease ${lease} in ${ns.name}; stop it, wait, or pass --no-leader-elect`);
    expect(await written()).toEqual(before);
    expect(await holder()).toBe(runningAgent);
    console.log(`--once next to a live leader refused after ${refused.ms} ms`);

    // 2. The leader dies holding the Lease: --once waits for it to expire, then applies and releases it.
    running.kill('SIGKILL');
    await new Promise((resolve) => running.once('exit', resolve));
    const afterDeath = await once();
    expect(afterDeath, afterDeath.stderr).toMatchObject({ code: 0 });
    expect((await shared())?.data).toEqual({ value: 'once' });
    expect(await holder()).toBe('');
    console.log(`--once after the leader was killed applied in ${afterDeath.ms} ms (waiting for the Lease to expire)`);

    // 3. The Lease is free: --once takes it at once, applies and releases it.
    other.commit(rendered('once again'));
    const free = await once();
    expect(free, free.stderr).toMatchObject({ code: 0 });
    expect((await shared())?.data).toEqual({ value: 'once again' });
    expect(await holder()).toBe('');
    expect(free.ms).toBeLessThan(afterDeath.ms);
    console.log(`--once with the Lease free applied in ${free.ms} ms`);
  });

  it('exits with the cluster code at once, naming the Lease, when the API server cannot be reached', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/app/demo/configmap-a.yaml': renderedYaml('dev', 'app', configMap('demo', 'a')) });
    const kubeconfig = join(tempDir(), 'kubeconfig');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }));
    const run = await gitops(['agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once', '--env', 'dev', '--kubeconfig', kubeconfig, '--namespace', 'ops']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^Lease ops\/typed-gitops-dev: could not take the Lease typed-gitops-dev in ops: cannot reach https:\/\/127\.0\.0\.1:1: .*; nothing was applied$/m);
    expect(run.ms).toBeLessThan(10_000); // no wait: only a Lease another agent holds is waited for
  });
});
