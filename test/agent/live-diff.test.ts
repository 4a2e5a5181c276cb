// `gitops diff --live` against the real control plane: after the agent applied one revision, the next one
// shows what it would add, change and prune, objects in a namespace not there yet as added, and writes nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { runDiff } from '../../compiler/diff-command.ts';
import { fetchRenderedCopy } from '../helpers/rendered-branch.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { KubeClient } from '../../agent/kube.ts';
import { liveChanges } from '../../compiler/live-diff.ts';
import { formatChanges } from '../../compiler/diff-format.ts';
import { sharedCluster, useTestNamespace } from '../setup/cluster.ts';
import { customResourceDefinition } from '../helpers/crd.ts';
import { configMap, deployment, namespaceObject, reconcilerFor, revisionOf, service, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'livediff' });
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A project with one environment whose dist/ holds `files`, and a rendered branch 'rendered' holding `rendered`. */
async function projectWith(env: string, files: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>): Promise<TestProject> {
  const config = `import { defineConfig } from 'typed-gitops/config';\nexport default defineConfig({ environments: { '${env}': { values: {} } } });\n`;
  const p = makeProject({ ...Object.fromEntries([...files].map(([path, text]) => [`dist/${env}/${path}`, text])) }, { config });
  const branch = mkdtempSync(join(tmpdir(), 'branch-'));
  cleanups.push(() => p.cleanup(), () => rmSync(branch, { recursive: true, force: true }));
  for (const [path, text] of rendered) {
    mkdirSync(dirname(join(branch, env, path)), { recursive: true });
    writeFileSync(join(branch, env, path), text);
  }
  await simpleGit(p.root).init();
  const copy = await fetchRenderedCopy(branch, p.root);
  cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
  return p;
}

describe('gitops diff --live', () => {
  it('shows added, changed and pruned objects from a server dry run, objects of new namespaces and kinds as added, and writes nothing', async () => {
    const env = uniqueName('env');
    const fresh = uniqueName('fresh');
    const group = `${uniqueName('g')}.example.com`;
    const base = [deployment(ns.name, 'steady'), configMap(ns.name, 'changeme', { key: 'v1' })];
    const applied = await reconcilerFor(env, ns.name).reconcile(revisionOf(env, { web: base, old: [configMap(ns.name, 'gone')] }));
    expect(applied.errors).toEqual([]);

    const next = revisionOf(env, {
      web: [deployment(ns.name, 'steady'), configMap(ns.name, 'changeme', { key: 'v2' }), configMap(ns.name, 'new')],
      team: [namespaceObject(fresh), configMap(fresh, 'inside')],
      kinds: [customResourceDefinition(group, 'Widget', { type: 'object' }), { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns.name }, spec: {} }],
    });
    const changes = await liveChanges(new KubeClient(sharedCluster().connection), next, { agentNamespace: ns.name });

    expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      `removed ${env}/old/${ns.name}/configmap-gone.yaml`,
      `added ${env}/team/${fresh}/configmap-inside.yaml`,
      `added ${env}/team/_cluster/namespace-${fresh}.yaml`,
      `changed ${env}/web/${ns.name}/configmap-changeme.yaml`,
      `added ${env}/web/${ns.name}/configmap-new.yaml`,
      `added ${env}/kinds/_cluster/customresourcedefinition-widgets.${group}.yaml`,
      `added ${env}/kinds/${ns.name}/widget-w.yaml`,
    ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)));
    const changed = changes.find((c) => c.kind === 'changed')!;
    expect(changed.patch).toContain('-  key: v1');
    expect(changed.patch).toContain('+  key: v2');
    expect(changed.patch).not.toMatch(/managedFields|resourceVersion|creationTimestamp|uid:/);
    expect(formatChanges(changes, { against: 'the live cluster', markdown: true })).toContain(`| \`${env}/web\` | 1 | 1 | 0 |`);

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'changeme', namespace: ns.name })).data).toEqual({ key: 'v1' });
    await expect(core.readNamespacedConfigMap({ name: 'new', namespace: ns.name })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespace({ name: fresh })).rejects.toMatchObject({ code: 404 });
    await expect(ns.kubeConfig.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: `widgets.${group}` })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses what the server or the agent would refuse, naming the file and the reason', async () => {
    const env = uniqueName('env');
    const bad = { ...service(ns.name, 'bad'), spec: { selector: { app: 'bad' }, ports: [{ port: 99999 }] } };
    await ns.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: ns.name, body: configMap(ns.name, 'theirs') as never });
    const nowhere = uniqueName('nowhere');
    const refusal = liveChanges(new KubeClient(sharedCluster().connection), revisionOf(env, { web: [bad, configMap(ns.name, 'theirs'), configMap(nowhere, 'lost')] }), { agentNamespace: ns.name });
    await expect(refusal).rejects.toThrow(new RegExp(`${env}/web/${ns.name}/service-bad.yaml:1: .*spec.ports\\[0\\].port: Invalid value: 99999`));
    await expect(refusal).rejects.toThrow(`${env}/web/${ns.name}/configmap-theirs.yaml:1: already exists and is not managed by typed-gitops for ${env}`);
    await expect(refusal).rejects.toThrow(`${env}/web/${nowhere}/configmap-lost.yaml:1: namespace ${nowhere} does not exist and this revision does not create it (add the Namespace to an app, or create it in the cluster first)`);
  });

  it('through the command: a hand edit shows as changed back to git, from dist/ or a rendered ref, as the rendered diff cannot', async () => {
    const env = uniqueName('env');
    const objects = [configMap(ns.name, 'drifted', { key: 'git' })];
    expect((await reconcilerFor(env, ns.name).reconcile(revisionOf(env, { web: objects }))).errors).toEqual([]);
    const dist = revisionOf(env, { web: objects }).files;
    const p = await projectWith(env, dist, revisionOf(env, { web: [...objects, configMap(ns.name, 'from-ref')] }).files);
    await new KubeClient(sharedCluster().connection, 'kubectl-edit').apply(configMap(ns.name, 'drifted', { key: 'hand' }), { force: true });

    const options = { root: p.root, env: [env], live: true, kubeconfig: sharedCluster().kubeconfigPath, namespace: ns.name, color: 'never' };
    const fromDist = await runDiff(options);
    expect(fromDist).toContain(`comparing dist/${env} with the live cluster (https://127.0.0.1:`);
    expect(fromDist).toContain(`changed ${env}/web/${ns.name}/configmap-drifted.yaml`);
    expect(fromDist).toContain('-  key: hand');
    expect(fromDist).toContain('+  key: git');
    expect(fromDist).toMatch(new RegExp(`^${env}/web: \\+0 ~1 -0$`, 'm'));
    const fromRef = await runDiff({ ...options, ref: 'rendered', markdown: true });
    expect(fromRef).toContain(`### Live changes: ${env} (rendered `);
    expect(fromRef).toContain(`<details><summary>added: <code>${env}/web/${ns.name}/configmap-from-ref.yaml</code></summary>`);
    await expect(runDiff({ ...options, env: undefined })).resolves.toContain(`changed ${env}/web/`); // the only environment
    await expect(runDiff({ ...options, env: ['nope'] })).rejects.toThrow(`--live compares one environment with its cluster; got nope`);
  });
});
