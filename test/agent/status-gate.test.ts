// Exit codes a pipeline gates on, against the real control plane with kwok nodes: `gitops agent --once
// --wait-healthy` and `gitops status [--wait-healthy]` for a Deployment that becomes available, one whose
// pods stay Pending, and one past its progress deadline (Degraded).
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { startAgent } from '../../agent/run.ts';
import { openSource } from '../../agent/source.ts';
import type { K8sObject } from '../../agent/types.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { sharedCluster, useTestNamespace } from '../setup/cluster.ts';
import { deployment, quietLog, reconcilerFor, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'gate' });
/** The agents' namespace of one test, apart from the other tests' environments; the agent creates it. */
let ownNamespace: string | undefined;
const own = () => (ownNamespace = `${ns.name}-own`);
afterAll(async () => {
  cleanUp();
  if (ownNamespace) await sharedCluster().kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: ownNamespace }).catch(() => {});
});
const outside = tempDir('gate-cwd-'); // no gitops.config.ts: the test environments are not in the repo's config

interface Exit { code: number; stdout: string; stderr: string; ms: number }
async function gitops(...args: string[]): Promise<Exit> {
  const started = Date.now();
  return promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: outside })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))
    .then((r) => ({ ...r, ms: Date.now() - started }));
}

/** A Deployment whose pods match no node: they stay Pending (Progressing), Degraded past `deadline` seconds. */
function pending(name: string, deadline?: number): K8sObject {
  const d = deployment(ns.name, name);
  const spec = d.spec as { progressDeadlineSeconds?: number; template: { spec: Record<string, unknown> } };
  spec.template.spec.nodeSelector = { 'typed-gitops.dev/no-such-node': 'true' };
  if (deadline) spec.progressDeadlineSeconds = deadline;
  return d;
}

function setUp(objects: K8sObject[], agentNamespace = ns.name) {
  const env = uniqueName('env');
  const remote = renderedRemote();
  const files = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [`${env}/web/${ns.name}/deployment-${o.metadata.name}.yaml`, renderedYaml(env, 'web', o)]));
  const commit = remote.commit(files(objects), 'f'.repeat(40));
  const common = ['--kubeconfig', ns.kubeconfigPath, '--namespace', agentNamespace, '--env', env];
  const once = (...more: string[]) => gitops('agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once', ...common, ...more);
  return { env, remote, commit, common, once, push: (list: K8sObject[]) => remote.commit(files(list)) };
}

describe('exit codes to gate a rollout on', () => {
  it('agent --once --wait-healthy exits 0 as soon as a Deployment is available, and status agrees', async () => {
    const { once, common } = setUp([deployment(ns.name, 'web')]);
    const run = await once('--wait-healthy', '60s');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(30_000);
    const status = await gitops('status', ...common);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/synced {2}Healthy\n/);
  });

  it('exits 6 when the pods stay Pending past --wait-healthy, and status exits 6 waiting for it too', async () => {
    const { once, common } = setUp([pending('stuck')]);
    const run = await once('--wait-healthy', '5s');
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/is Progressing: .*Deployment stuck/);
    expect(run.ms).toBeLessThan(20_000);
    // Progressing is no failure for a look at the status; for a wait it is not Healthy in time.
    expect((await gitops('status', ...common)).code).toBe(0);
    const waited = await gitops('status', ...common, '--wait-healthy', '3s');
    expect(waited.code).toBe(6);
    expect(waited.stdout).toContain('Progressing');
  });

  it('exits 5 when a Deployment is Degraded (past its progress deadline), without waiting out --wait-healthy', async () => {
    const { once, common } = setUp([pending('late', 2)]);
    const run = await once('--wait-healthy', '90s');
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('ProgressDeadlineExceeded');
    expect(run.ms).toBeLessThan(60_000);
    const status = await gitops('status', ...common);
    expect(status.code).toBe(5);
    expect(status.stdout).toMatch(/web +Degraded +Deployment late: rollout stuck: ProgressDeadlineExceeded/);
    // Without a wait too: a sync that went through to a Degraded environment is no success.
    const again = await once();
    expect([again.code, again.stderr]).toEqual([5, expect.stringContaining('is Degraded: ')]);
  });

  it('status without --env shows every environment of the namespace and exits with the worst', async () => {
    const healthy = setUp([deployment(ns.name, 'ok')], own()), stuck = setUp([pending('late', 1)], own());
    expect((await healthy.once('--wait-healthy', '60s')).code).toBe(0);
    expect((await stuck.once('--wait-healthy', '60s')).code).toBe(5);
    const all = await gitops('status', '--kubeconfig', ns.kubeconfigPath, '--namespace', own());
    expect(all.code).toBe(5);
    expect(all.stdout.split('\n').filter((l) => /^env-\w+ {2}synced/.test(l))).toEqual([healthy.env, stuck.env].sort().map((e) => `${e}  synced  ${e === healthy.env ? 'Healthy' : 'Degraded'}`));
    expect(all.stderr).toMatch(new RegExp(`^${stuck.env} is Degraded: `));
    const json = JSON.parse((await gitops('status', '--kubeconfig', ns.kubeconfigPath, '--namespace', own(), '--output', 'json')).stdout) as { env: string }[];
    expect(json.map((r) => r.env)).toEqual([healthy.env, stuck.env].sort());

    const broken = `typed-gitops-status-${uniqueName('broken')}`;
    await ns.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: own(), body: { metadata: { name: broken, labels: { 'app.kubernetes.io/managed-by': 'typed-gitops' } }, data: { 'result.json': '{' } } });
    const refused = await gitops('status', '--kubeconfig', ns.kubeconfigPath, '--namespace', own());
    expect([refused.code, refused.stderr.trim().split('\n')[0]]).toEqual([3, `ConfigMap ${own()}/${broken}: its result.json is not JSON`]);
  });

  it('status --wait-healthy --commit waits for a running agent to apply that commit and roll it out', async () => {
    const { env, remote, common, push } = setUp([deployment(ns.name, 'web')]);
    const agent = await startAgent({
      source: openSource({ url: remote.path, branch: 'rendered', cacheDir: tempDir() }),
      env, reconciler: reconcilerFor(env, ns.name, { watch: true }), interval: 500, log: quietLog as never,
    });
    try {
      const next = push([deployment(ns.name, 'web', 'registry.local/app:2.0.0'), deployment(ns.name, 'api')]);
      const waited = await gitops('status', ...common, '--wait-healthy', '60s', '--commit', next.slice(0, 10));
      expect(waited.stderr).toBe('');
      expect(waited.code).toBe(0);
      const last = waited.stdout.split(`${env}  `).at(-1)!;
      expect(last).toMatch(/^synced {2}Healthy\n {2}revision {4}/);
      expect(last).toContain(next.slice(0, 12));
      const json = JSON.parse((await gitops('status', ...common, '--output', 'json')).stdout) as { revision: string; health: { status: string } };
      expect(json).toMatchObject({ revision: next, health: { status: 'Healthy' } });
    } finally {
      await agent.stop();
    }
  });
});
