// The real reconciler, impersonating the agent's ServiceAccount with only the RBAC the GitOpsAgent
// construct derives (readScope 'cluster': today's agent lists and watches across namespaces), applies
// the example project's dev environment, keeps its inventory, status and Events, and prunes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { actingAs, serviceAccountIdentity } from '../../agent/impersonation.ts';
import { createReconciler } from '../../agent/reconcile.ts';
import type { Revision } from '../../agent/types.ts';
import { quietLog } from '../agent/harness.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';

const run = promisify(execFile);

describe('the agent with only its derived RBAC', () => {
  const cluster = useFreshControlPlane();
  let project: TestProject;
  let revision: Revision;
  const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', cluster().kubeconfigPath, ...args])).stdout;

  beforeAll(async () => {
    project = makeProject({}, { copyExample: true });
    project.write('apps/gitops-agent.ts', project.read('apps/gitops-agent.ts').replace("environment: env.name,", "environment: env.name, readScope: 'cluster',"));
    const outcome = await compile({ root: project.root, typecheck: false, envs: ['dev'] });
    expect(outcome.report.errors).toEqual([]);
    const dist = join(project.root, 'dist', 'dev');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
    revision = { commit: 'a'.repeat(40), env: 'dev', files: new Map(files.map((f) => [f, readFileSync(join(dist, f), 'utf8')])) };
    // What `gitops bootstrap` will do: an admin applies the Namespaces, the agent's identity and its RBAC once.
    const install = files.filter((f) => /\/(serviceaccount|clusterrole|clusterrolebinding|role|rolebinding)-[^/]+\.yaml$/.test(f)).map((f) => join(dist, f));
    await kubectl('apply', '--server-side', ...files.filter((f) => f.includes('/namespace-')).flatMap((f) => ['-f', join(dist, f)]));
    await kubectl('apply', '--server-side', ...install.flatMap((f) => ['-f', f]));
  });
  afterAll(() => project?.cleanup());

  it('applies the environment, then prunes an app that left it', async () => {
    const agent = actingAs(cluster().connection, serviceAccountIdentity('gitops-system', 'typed-gitops-agent-dev'));
    const reconciler = createReconciler({ connection: agent, env: 'dev', namespace: 'gitops-system', prune: true, allowEmpty: false, force: true, healthTimeoutMs: 0, log: quietLog });
    let result = await reconciler.reconcile(revision);
    for (let i = 0; i < 30 && !result.ok; i++) { // the authorizer sees the bindings a moment later
      await new Promise((r) => setTimeout(r, 200));
      result = await reconciler.reconcile(revision);
    }
    expect(result.errors).toEqual([]);
    expect(result.changes.filter((c) => c.action === 'failed')).toEqual([]);
    expect(await kubectl('get', 'cronjob', 'nightly-sales', '-n', 'ops', '-o', 'name')).toContain('nightly-sales');

    const withoutReports = new Map([...revision.files].filter(([f]) => !f.startsWith('reports/')));
    const pruned = await reconciler.reconcile({ ...revision, commit: 'b'.repeat(40), files: withoutReports });
    expect(pruned.errors).toEqual([]);
    expect(pruned.changes.filter((c) => c.action === 'pruned').map((c) => c.ref.name)).toEqual(['nightly-sales']);
    expect(await kubectl('get', 'configmap', '-n', 'gitops-system', '-o', 'name')).toMatch(/typed-gitops-inventory-dev[\s\S]*typed-gitops-status-dev/);
    expect(await kubectl('get', 'events', '-n', 'gitops-system', '-o', 'name')).not.toBe('');
    reconciler.stop();
  });
});
