// The compiler hook of the agent's app: an app with `buildAfterOthers` is built after the other apps
// of each environment and receives what they render, so its derived RBAC follows them in the same run.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { crdScopes, refOf } from '../../core/kinds.ts';
import { renderedKinds } from '../../compiler/rendered-kinds.ts';
import type { K8sObject } from '../../core/types.ts';
import { makeProject, webApp, BASIC_CONFIG, type TestProject } from '../helpers/project.ts';

const AGENT_APP = `import { Chart } from 'cdk8s';
import { defineApp, GitOpsAgent } from 'typed-gitops/lib';
export default defineApp({
  name: 'agent',
  buildAfterOthers: true,
  build(app, env) {
    new GitOpsAgent(new Chart(app, 'agent'), 'agent', { environment: env.name, kinds: env.rendered, repo: 'https://git.example.com/x.git' });
  },
});
`;

const CONFIG_MAP_APP = `import { Chart, ApiObject } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
export default defineApp({
  name: 'settings',
  build(app) {
    new ApiObject(new Chart(app, 'settings', { namespace: 'shop' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
  },
});
`;

const projects: TestProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

async function shopRole(p: TestProject): Promise<string[]> {
  const outcome = await compile({ root: p.root, typecheck: false, envs: ['dev'] });
  expect(outcome.report.errors.map(formatDiagnostic).join('\n')).toBe('');
  const role = parse(p.read('dist/dev/agent/shop/role-typed-gitops-agent-dev.yaml'));
  return role.rules.flatMap((r: { resources: string[]; resourceNames?: string[] }) => (r.resourceNames ? [] : r.resources));
}

describe('an app built after the others', () => {
  it("derives the agent's rules from the other apps, and grows them when an app adds a kind, also with the others cached", async () => {
    const p = makeProject({ 'gitops.config.ts': BASIC_CONFIG, 'apps/web.ts': webApp('web'), 'apps/agent.ts': AGENT_APP });
    projects.push(p);
    expect(await shopRole(p)).toEqual(['services', 'deployments', 'ingresses', 'rolebindings', 'roles']);
    p.write('apps/settings.ts', CONFIG_MAP_APP);
    expect(await shopRole(p)).toEqual(['configmaps', 'services', 'deployments', 'ingresses', 'rolebindings', 'roles']);
    p.remove('apps/settings.ts');
    expect(await shopRole(p)).toEqual(['services', 'deployments', 'ingresses', 'rolebindings', 'roles']);
  });
});

describe('the synth cache of an app built after the others', () => {
  it('serves it while what the others render is unchanged, and runs it again when that changes', async () => {
    const counting = AGENT_APP.replace("import { Chart } from 'cdk8s';", "import { Chart } from 'cdk8s';\nimport { appendFileSync } from 'node:fs';")
      .replace('build(app, env) {', "build(app, env) {\n    appendFileSync(new URL('../builds.log', import.meta.url.replace('/.gitops-cache/bundles/', '/apps/')), env.name + '\\n');");
    const p = makeProject({ 'gitops.config.ts': BASIC_CONFIG, 'apps/web.ts': webApp('web'), 'apps/agent.ts': counting });
    projects.push(p);
    const runs = () => (existsSync(join(p.root, 'builds.log')) ? readFileSync(join(p.root, 'builds.log'), 'utf8').trim().split('\n').length : 0);
    await shopRole(p);
    await shopRole(p);
    expect(runs()).toBe(1);
    p.write('apps/web.ts', webApp('web', 'ghcr.io/acme/web:1.0.1')); // the same kinds: web runs again, the agent is served
    await shopRole(p);
    expect(runs()).toBe(1);
    p.write('apps/settings.ts', CONFIG_MAP_APP);
    expect(await shopRole(p)).toContain('configmaps');
    expect(runs()).toBe(2);
  });
});

describe('renderedKinds', () => {
  it('lists each kind once per namespace, with the names of cluster-scoped objects and the plural its CRD gives', () => {
    const object = (apiVersion: string, kind: string, name: string, namespace?: string, spec?: object) =>
      ({ apiVersion, kind, metadata: { name, namespace }, ...(spec ? { spec } : {}) }) as K8sObject;
    const objects = [
      object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.acme.dev', undefined, { group: 'acme.dev', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' }),
      object('acme.dev/v1', 'Widget', 'w', 'shop'), object('v1', 'Namespace', 'shop'), object('v1', 'Namespace', 'data'),
      object('v1', 'ConfigMap', 'a', 'shop'), object('v1', 'ConfigMap', 'b', 'shop'), object('v1', 'ConfigMap', 'c', 'data'),
    ].map((o) => ({ object: o, ref: refOf(o, crdScopes([o])), app: 'x', env: 'dev', sourceFile: 'apps/x.ts', constructPath: 'x' }));
    expect(renderedKinds(objects)).toEqual([
      { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'data' },
      { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop' },
      { group: '', version: 'v1', kind: 'Namespace', namespace: '', names: ['data', 'shop'] },
      { group: 'acme.dev', version: 'v1', kind: 'Widget', namespace: 'shop', plural: 'widgets' },
      { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', namespace: '', names: ['widgets.acme.dev'] },
    ]);
  });
});
