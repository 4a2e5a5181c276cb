// What reviewers see is what is applied, with kubectl as the oracle: a project synthesized to dist/,
// committed as publish lays it out to a rendered branch, and synced by `gitops agent --once`; then
// `kubectl diff --server-side -R -f dist/<env>` finds nothing, and a break-glass `kubectl apply` of
// the same folder keeps the owner labels and leaves the agent nothing to do. A revision of an older
// typed-gitops (manifest inside <env>/, no owner labels) is refused whole.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../agent/status-command.ts';
import { compile } from '../../compiler/compile.ts';
import { FIELD_MANAGER } from '../../agent/labels.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { uniqueName } from './harness.ts';

const run = promisify(execFile);
const ns = useTestNamespace({ prefix: 'oracle' });
const projects: TestProject[] = [];
afterAll(() => { projects.forEach((p) => p.cleanup()); cleanUp(); });
const outside = tempDir('agent-cwd-'); // no gitops.config.ts: the test's environment is not in the repo's config

/** A project with one environment whose app renders a web service and a ConfigMap into `namespace`. */
function project(env: string, namespace: string): TestProject {
  const p = makeProject({
    'apps/web.ts': `import { ApiObject, Chart } from 'cdk8s';
import { defineApp, WebService } from 'typed-gitops/lib';
export default defineApp({
  name: 'web',
  build(app) {
    const chart = new Chart(app, 'web', { namespace: '${namespace}' });
    new WebService(chart, 'storefront', { app: 'web', image: 'registry.local/storefront:1.0.0', replicas: 1 });
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', labels: { tier: 'web' } }, data: { mode: 'on' } });
  },
});
`,
  }, { config: `import { defineConfig } from 'typed-gitops/config';
export default defineConfig({ environments: { '${env}': { values: {} } }, external: { namespaces: ['${namespace}'] } });
` });
  projects.push(p);
  return p;
}

/** kubectl against the test cluster; its exit code instead of a throw (kubectl diff exits 1 on differences). */
async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', ns.kubeconfigPath, ...args], { env: { ...process.env, KUBECTL_EXTERNAL_DIFF: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('kubectl as the oracle of what the agent applied', () => {
  it('finds no difference between dist/<env> and the cluster after a sync, and a break-glass apply leaves the agent nothing to do', { timeout: 120_000 }, async () => {
    const env = uniqueName('env');
    const p = project(env, ns.name);
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    const remote = renderedRemote();
    remote.commit(Object.fromEntries(p.snapshot())); // the rendered branch holds exactly dist/
    const dist = join(p.root, 'dist', env);
    const once = () => run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--cache-dir', tempDir(), '--env', env,
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--health-timeout', '0s', '--once'], { cwd: outside });

    await once();
    expect((await readStatus(ns.connection, ns.name, env)).counts).toMatchObject({ created: 3, failed: 0 });
    const diff = await kubectl('diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-R', '-f', dist);
    expect(diff).toEqual({ code: 0, stdout: '', stderr: '' });

    const applied = await kubectl('apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-R', '-f', dist);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const labels = JSON.parse((await kubectl('get', 'configmap,deployment,service', '-n', ns.name, '-l', `typed-gitops.dev/env=${env}`, '-o', 'json')).stdout);
    expect(labels.items.map((o: { kind: string; metadata: { labels: Record<string, string> } }) => [o.kind, o.metadata.labels['typed-gitops.dev/app']])).toEqual([
      ['ConfigMap', 'web'], ['Deployment', 'web'], ['Service', 'web'],
    ]);

    await once();
    const again = await readStatus(ns.connection, ns.name, env);
    expect(again.ok).toBe(true);
    expect(again.counts).toMatchObject({ created: 0, configured: 0, pruned: 0, failed: 0, unchanged: 3 });
  });

  it('refuses a revision published by an older typed-gitops (manifest.json inside <env>/, no owner labels), applying nothing', { timeout: 60_000 }, async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const old = remote.commit({
      [`${env}/manifest.json`]: JSON.stringify({ environment: env, objects: [] }),
      [`${env}/web/${ns.name}/configmap-settings.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns.name}\ndata:\n  mode: "on"\n`,
    });
    const once = run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--cache-dir', tempDir(), '--env', env,
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--health-timeout', '0s', '--once'], { cwd: outside });
    await expect(once).rejects.toThrow();
    const status = await readStatus(ns.connection, ns.name, env);
    expect(status.ok).toBe(false);
    const errors = status.errors.join('\n');
    expect(errors).toContain(`revision ${old.slice(0, 12)} of ${env} cannot be applied`);
    expect(errors).toContain(`${env}/manifest.json: not in an app's folder`);
    expect(errors).toContain(`${env}/web/${ns.name}/configmap-settings.yaml:1: ConfigMap ${ns.name}/settings has no typed-gitops.dev/app and no typed-gitops.dev/env`);
    expect(errors).toContain('must be published again with this version');
    expect((await kubectl('get', 'configmap', 'settings', '-n', ns.name)).code).not.toBe(0); // nothing applied
  });
});
