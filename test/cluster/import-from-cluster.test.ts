// `gitops import --from-cluster` against the real test control plane: CRDs applied to it (a group of this
// file's own, removed after) come back as the same module an import of the files gives, filtered by
// group and name, and the generated class synths with the custom resource checked by its schema.
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compile } from '../../compiler/compile.ts';
import { runImport } from '../../compiler/import/import-command.ts';
import { customResourceDefinition } from '../helpers/crd.ts';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { sharedCluster } from '../setup/cluster.js';
import { waitFor } from '../setup/wait-for.js';

const group = `import-${randomBytes(3).toString('hex')}.example.com`;
const spec = {
  type: 'object',
  required: ['port'],
  properties: {
    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }, // as controller-gen writes it
    modes: { type: 'array', items: { type: 'string', enum: ['fast', 'slow'] } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};
const crds = [customResourceDefinition(group, 'Gadget', spec), customResourceDefinition(group, 'Gizmo', { type: 'object', properties: { size: { type: 'integer' } } })];

const app = (port: string) => `import { Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
import { Gadget } from '../imports/${group}.ts';
export default defineApp({
  name: 'gadgets',
  build(app) {
    new Gadget(new Chart(app, 'gadgets', { namespace: 'shop' }), 'g', { metadata: { name: 'g' }, spec: { port: ${port}, modes: ['fast'], labels: { a: 'b' }, extra: { x: 1 } } });
  },
});
`;

const run = promisify(execFile);
let kubeconfig: string;
const projects: TestProject[] = [];
beforeAll(async () => {
  const cluster = sharedCluster();
  kubeconfig = cluster.kubeconfigPath;
  const api = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
  // kubectl, as a user applies CRDs (client-node's typed models would drop x-kubernetes-int-or-string).
  const kubectl = run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', '-']);
  kubectl.child.stdin!.end(crds.map((c) => stringify(c)).join('---\n'));
  await kubectl;
  await waitFor('CRDs stored', () => api.listCustomResourceDefinition(), (l) => l.items.filter((c) => c.spec.group === group).length === 2);
});
afterAll(async () => {
  projects.forEach((p) => p.cleanup());
  const api = sharedCluster().kubeConfig.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) await api.deleteCustomResourceDefinition({ name: String(crd.metadata.name) }).catch(() => undefined);
});

function project(files: Record<string, string> = {}): TestProject {
  const p = makeProject(files);
  projects.push(p);
  return p;
}

describe('gitops import --from-cluster', () => {
  it('imports the CRDs of a group: the same module as from their files', async () => {
    const live = project();
    const result = await runImport({ root: live.root, sources: [], fromCluster: true, groups: [group], kubeconfig });
    expect(result.groups.map((g) => [g.group, g.kinds])).toEqual([[group, ['Gadget (v1)', 'Gizmo (v1)']]]);
    const files = project({ 'crds.yaml': crds.map((c) => stringify(c)).join('---\n') });
    await runImport({ root: files.root, sources: [`${files.root}/crds.yaml`] });
    expect(live.read(`imports/${group}.ts`)).toBe(files.read(`imports/${group}.ts`));
    expect(JSON.parse(live.read(`imports/${group}.schemas.json`)).crds[0].source).toBe('cluster');
  });

  it('takes only the CRDs named (by kind or name), and names what the cluster has when none matches', async () => {
    const p = project();
    const result = await runImport({ root: p.root, sources: ['gizmo'], fromCluster: true, kubeconfig });
    expect(result.groups.map((g) => g.kinds)).toEqual([['Gizmo (v1)']]);
    // The command line: names after the flags, --group repeated.
    const cli = await run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'import', '--root', p.root, '--from-cluster', '--group', 'other.example.com', '--group', group, 'Gadget', '--kubeconfig', kubeconfig], { cwd: p.root });
    expect(cli.stdout).toBe(`imports/${group}.ts: Gadget (v1)\n`);
    await expect(runImport({ root: p.root, sources: ['nothing-like-this'], fromCluster: true, groups: [group], kubeconfig }))
      .rejects.toMatchObject({ message: `no CustomResourceDefinition matches group ${group} name nothing-like-this`, subject: { hint: expect.stringContaining(`gadgets.${group}`) } });
  });

  it('the imported class synths, and its custom resource is checked against the schema from the cluster', async () => {
    const p = project({ 'apps/gadgets.ts': app("'http'") });
    await runImport({ root: p.root, sources: [`gadgets.${group}`], fromCluster: true, kubeconfig });
    const good = await compile({ root: p.root });
    expect(good.report.errors).toEqual([]);
    expect(p.read('dist/dev/gadgets/shop/gadget-g.yaml')).toContain(`apiVersion: ${group}/v1`);
    p.write('apps/gadgets.ts', app('true as never'));
    const bad = await compile({ root: p.root, write: false });
    expect(bad.report.errors.map((e) => `${e.object}: ${e.message}`)).toContain('Gadget shop/g: spec.port: must be integer or string');
  });
});
