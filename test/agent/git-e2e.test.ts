// The agent end to end: a real rendered branch served over git (path and git daemon on 127.0.0.1),
// the real `gitops agent` process, and a real kube-apiserver.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { startAgent } from '../../agent/run.ts';
import { openSource } from '../../agent/source.ts';
import { cleanUp, renderedRemote, startDaemon, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { configMap, quietLog, reconcilerFor, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'e2e' });
afterAll(() => cleanUp());
const run = promisify(execFile);
// Run from a folder without gitops.config.ts: the test environments are not in the repo's config.
const outside = tempDir('agent-cwd-');
const gitops = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: outside });
const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => waitFor(what, async () => check(), (ok) => ok, { timeoutMs });

/** Rendered files for ConfigMaps name -> value, as publish lays them out. */
function files(env: string, values: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [
    `${env}/app/${ns.name}/configmap-${name}.yaml`,
    value === null ? null : renderedYaml(env, 'app', configMap(ns.name, name, { value })),
  ]));
}

async function configMapValues(env: string): Promise<Record<string, string>> {
  const core = ns.kubeConfig.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedConfigMap({ namespace: ns.name, labelSelector: `typed-gitops.dev/env=${env}` });
  return Object.fromEntries(list.items.map((c) => [c.metadata!.name!, c.data?.value ?? '']));
}

describe('agent end to end', () => {
  it('keeps the cluster as it was while git is away, reports it, and applies the newest revision when git is back', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    remote.commit(files(env, { a: 'v1' }), 'a'.repeat(40));
    const daemon = await startDaemon(remote.baseDir);
    const agent = await startAgent({
      source: openSource({ url: daemon.url('remote.git'), branch: 'rendered', cacheDir: tempDir() }),
      env, reconciler: reconcilerFor(env, ns.name), interval: 300, maxBackoff: 600, log: quietLog as never,
    });
    try {
      await until('v1 to be applied', async () => agent.lastResult()?.ok === true && (await configMapValues(env)).a === 'v1');
      expect(agent.lastResult()?.sourceCommit).toBe('a'.repeat(40));

      await daemon.stop();
      remote.commit(files(env, { a: 'v2' }));
      await until('the source error to be reported', () => (agent.lastResult()?.errors[0] ?? '').startsWith('source: '));
      expect(agent.lastResult()?.errors[0]).toContain('the cluster stays as last applied');
      expect((await configMapValues(env)).a).toBe('v1');
      const core = ns.kubeConfig.makeApiClient(CoreV1Api);
      const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
      expect(status.data?.ok).toBe('false');

      remote.commit(files(env, { a: 'v3', b: 'new' }));
      await daemon.restart();
      await until('v3 to be applied', async () => (await configMapValues(env)).a === 'v3');
      expect(await configMapValues(env)).toEqual({ a: 'v3', b: 'new' });
    } finally {
      await agent.stop();
    }
  });

  it('syncs once from the command line, and `gitops status` shows the result', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    remote.commit(files(env, { one: '1', two: '2' }), 'b'.repeat(40));
    const common = ['--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--env', env];
    await gitops('agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once', ...common);
    expect(await configMapValues(env)).toEqual({ one: '1', two: '2' });
    const { stdout } = await gitops('status', ...common.filter((a) => a !== '--repo'));
    expect(stdout).toContain('bbbbbbb');
    expect(stdout).toMatch(/2 created/);
  });

  it('converges with nothing lost or duplicated after being killed in the middle of a sync', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const names = Array.from({ length: 300 }, (_, i) => `cm-${String(i).padStart(3, '0')}`);
    remote.commit(files(env, Object.fromEntries(names.map((n) => [n, n]))));
    const args = [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--cache-dir', tempDir(), '--env', env,
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--interval', '1h', '--no-leader-elect', '--listen', '127.0.0.1:0'];
    const child = spawn(process.execPath, args, { cwd: outside, stdio: 'ignore' });
    await until('the first objects to be created', async () => Object.keys(await configMapValues(env)).length >= 5, 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = Object.keys(await configMapValues(env)).length;
    expect(partial).toBeLessThan(names.length); // it really died in the middle

    await run(process.execPath, [...args.filter((a) => !['--interval', '1h', '--no-leader-elect', '--listen', '127.0.0.1:0'].includes(a)), '--once'], { cwd: outside });
    expect(Object.keys(await configMapValues(env)).sort()).toEqual(names);
    const inventory = await loadInventory(new KubeClient(ns.connection), ns.name, env);
    expect(inventory.entries.map((e) => e.ref.name).sort()).toEqual(names);

    // and what it created before the kill is pruned like the rest when it leaves git
    remote.commit(files(env, Object.fromEntries(names.slice(100).map((n) => [n, null]))));
    await run(process.execPath, [...args.filter((a) => !['--interval', '1h', '--no-leader-elect', '--listen', '127.0.0.1:0'].includes(a)), '--once'], { cwd: outside });
    expect(Object.keys(await configMapValues(env)).sort()).toEqual(names.slice(0, 100));
  });
});
