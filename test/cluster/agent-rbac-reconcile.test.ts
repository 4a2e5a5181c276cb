// The real reconciler, impersonating the agent's ServiceAccount with only the RBAC the GitOpsAgent
// construct derives (readScope 'cluster': today's agent lists and watches across namespaces), applies
// the example project's dev environment, keeps its inventory, status and Events, and prunes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actingAs, serviceAccountIdentity } from '../../agent/impersonation.ts';
import { createReconciler } from '../../agent/reconcile.ts';
import type { Revision } from '../../agent/types.ts';
import { quietLog } from '../agent/harness.ts';
import { installAgentIdentity, kubectlWith, renderExample, type RenderedExample } from '../helpers/example-agent.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';

describe('the agent with only its derived RBAC', () => {
  const cluster = useFreshControlPlane();
  let example: RenderedExample;
  let revision: Revision;
  const kubectl = kubectlWith(() => cluster().kubeconfigPath);

  beforeAll(async () => {
    example = await renderExample('dev', (p) => p.write('apps/gitops-agent.ts', p.read('apps/gitops-agent.ts').replace('environment: env.name,', "environment: env.name, readScope: 'cluster',")));
    revision = { commit: 'a'.repeat(40), env: 'dev', files: new Map(example.files.map((f) => [f, readFileSync(join(example.dist, f), 'utf8')])) };
    await installAgentIdentity(kubectl, example);
  });
  afterAll(() => example?.project.cleanup());

  it('applies the environment, then prunes an app that left it', async () => {
    const agent = actingAs(cluster().connection, serviceAccountIdentity('gitops-system', 'typed-gitops-agent-dev'));
    const reconciler = createReconciler({ connection: agent, env: 'dev', namespace: 'gitops-system', prune: true, allowEmpty: false, force: true, healthTimeoutMs: 0, log: quietLog,
      ageIdentities: async () => [example.ageIdentities.dev!] });
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
