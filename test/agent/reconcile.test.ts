// The reconcile core against a real kube-apiserver: first sync, updates that write only what
// changed, pruning that deletes only what we own, refusals that change nothing.
import { describe, expect, it, onTestFinished } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { formatRef } from '../../core/kinds.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { ReconcileResult } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { customResourceDefinition } from '../helpers/crd.ts';
import { configMap, deployment, namespaceObject, reconcilerFor, revisionOf, service, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'agent' });

const kubectl = (...args: string[]) => promisify(execFile)('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, ...args]);
const actions = (r: ReconcileResult) => Object.fromEntries(r.changes.map((c) => [formatRef(c.ref), c.action]));

describe('reconcile', () => {
  it('creates everything on the first sync, with owner labels, an inventory, a status object and an event', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    const result = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'web-config'), deployment(ns.name, 'web'), service(ns.name, 'web')] }));
    expect(result.errors).toEqual([]);
    expect(actions(result)).toEqual({
      [`ConfigMap ${ns.name}/web-config`]: 'created',
      [`Deployment ${ns.name}/web`]: 'created',
      [`Service ${ns.name}/web`]: 'created',
    });
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: 'web-config', namespace: ns.name });
    expect(cm.metadata?.labels).toMatchObject({ 'typed-gitops.dev/app': 'web', 'typed-gitops.dev/env': env });
    expect(cm.metadata?.managedFields?.map((m) => m.manager)).toContain('typed-gitops');
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(JSON.parse(status.data!['result.json'])).toMatchObject({ ok: true, revision: result.revision, counts: { created: 3 } });
    const inventory = await core.readNamespacedConfigMap({ name: `typed-gitops-inventory-${env}`, namespace: ns.name });
    expect(inventory.binaryData?.['inventory.json.gz']).toBeTruthy();
    const events = await core.listNamespacedEvent({ namespace: ns.name });
    expect(events.items.map((e) => e.reason)).toContain('ReconcileSucceeded');
  });

  it('configures exactly the object that changed and writes nothing else; a no-op reconcile sends nothing', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name, { watch: true });
    onTestFinished(() => agent.stop());
    const objects = (image: string) => ({ web: [configMap(ns.name, 'web-config'), deployment(ns.name, 'web', image), service(ns.name, 'web')] });
    await agent.reconcile(revisionOf(env, objects('registry.local/web:1')));
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const before = (await core.readNamespacedConfigMap({ name: 'web-config', namespace: ns.name })).metadata?.resourceVersion;

    const changed = await agent.reconcile(revisionOf(env, objects('registry.local/web:2')));
    expect(actions(changed)).toEqual({
      [`ConfigMap ${ns.name}/web-config`]: 'unchanged',
      [`Deployment ${ns.name}/web`]: 'configured',
      [`Service ${ns.name}/web`]: 'unchanged',
    });
    expect((await core.readNamespacedConfigMap({ name: 'web-config', namespace: ns.name })).metadata?.resourceVersion).toBe(before);

    const revision = revisionOf(env, objects('registry.local/web:2'));
    // Let the rollout finish: a health change is news, and news is written to the status object.
    for (let i = 0; i < 50 && (await agent.reconcile(revision)).health?.status !== 'Healthy'; i++) await new Promise((r) => setTimeout(r, 200));
    await agent.reconcile(revision);
    const writesBefore = agent.kube.counts.writes;
    const requestsBefore = agent.kube.counts.requests;
    const noop = await agent.reconcile(revision);
    expect(new Set(noop.changes.map((c) => c.action))).toEqual(new Set(['unchanged']));
    expect(agent.kube.counts.writes - writesBefore).toBe(0);
    expect(agent.kube.counts.requests - requestsBefore).toBe(0); // the watch cache answers, health included
    expect(noop.health).toMatchObject({ status: 'Healthy', apps: { web: { status: 'Healthy', message: '3 objects healthy' } } });
  });

  it('prunes exactly the objects of a removed app, and never an object it does not own', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'handmade' }, data: { mine: 'yes' } } });
    const first = await agent.reconcile(revisionOf(env, {
      web: [configMap(ns.name, 'web-config'), service(ns.name, 'web')],
      api: [configMap(ns.name, 'api-config'), configMap(ns.name, 'handmade', { theirs: 'no' })],
    }));
    expect(first.changes.find((c) => c.ref.name === 'handmade')).toMatchObject({ action: 'skipped', reason: expect.stringContaining('not managed by typed-gitops') });
    expect(first.ok).toBe(true);

    const second = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'web-config'), service(ns.name, 'web')] }));
    expect(actions(second)).toEqual({
      [`ConfigMap ${ns.name}/web-config`]: 'unchanged',
      [`Service ${ns.name}/web`]: 'unchanged',
      [`ConfigMap ${ns.name}/api-config`]: 'pruned',
    });
    const names = (await core.listNamespacedConfigMap({ namespace: ns.name })).items.map((c) => c.metadata?.name);
    expect(names).toContain('handmade');
    expect(names).toContain('web-config');
    expect(names).not.toContain('api-config');
    expect((await core.readNamespacedConfigMap({ name: 'handmade', namespace: ns.name })).data).toEqual({ mine: 'yes' });
  });

  it('forgets an object deleted by hand that then left git: restored from a backup, it is not pruned', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'restored', { a: '1' }), configMap(ns.name, 'other')] }));
    const backup = join(mkdtempSync(join(tmpdir(), 'backup-')), 'restored.json');
    onTestFinished(() => rmSync(dirname(backup), { recursive: true, force: true }));
    writeFileSync(backup, (await kubectl('get', 'configmap', 'restored', '-o', 'json')).stdout); // keeps our owner labels
    await kubectl('delete', 'configmap', 'restored');
    const without = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'other')] }));
    expect(without.errors).toEqual([]);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const tracked = await loadInventory(new KubeClient(ns.connection), ns.name, env);
    expect(tracked.entries.map((e) => e.ref.name)).toEqual(['other']);

    await kubectl('create', '-f', backup);
    const later = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'other', { b: '2' })] }));
    expect(later.errors).toEqual([]);
    expect(later.changes.filter((c) => c.ref.name === 'restored')).toEqual([]);
    expect((await core.readNamespacedConfigMap({ name: 'restored', namespace: ns.name })).data).toEqual({ a: '1' });
  });

  it('keeps an object annotated to skip pruning', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'keep-me', { a: 'b' }, { 'typed-gitops.dev/prune': 'disabled' }), configMap(ns.name, 'other')] }));
    const result = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'other')] }));
    expect(result.changes.find((c) => c.ref.name === 'keep-me')).toMatchObject({ action: 'skipped', reason: expect.stringContaining('prune: disabled') });
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'keep-me', namespace: ns.name })).data).toEqual({ a: 'b' });
  });

  it('refuses an empty revision while objects are applied, unless allowed', async () => {
    const env = uniqueName('env');
    await reconcilerFor(env, ns.name).reconcile(revisionOf(env, { web: [configMap(ns.name, 'c1')] }));
    const refused = await reconcilerFor(env, ns.name).reconcile(revisionOf(env, {}));
    expect(refused.ok).toBe(false);
    expect(refused.errors[0]).toMatch(/refusing to prune everything/);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'c1', namespace: ns.name })).metadata?.name).toBe('c1');
    const allowed = await reconcilerFor(env, ns.name, { allowEmpty: true }).reconcile(revisionOf(env, {}));
    expect(actions(allowed)).toEqual({ [`ConfigMap ${ns.name}/c1`]: 'pruned' });
  });

  it('changes nothing at all when the server rejects one object of the revision', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'web-config', { v: '1' })] }));
    const bad = deployment(ns.name, 'broken');
    (bad.spec as { replicas: unknown }).replicas = 'three';
    const result = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'web-config', { v: '2' }), configMap(ns.name, 'new-one'), bad] }));
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatch(/rejected 1 object\(s\) in a dry run; nothing was changed/);
    expect(result.changes).toEqual([expect.objectContaining({ action: 'failed', reason: expect.stringMatching(/deployment-broken\.yaml.*replicas/) })]);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'web-config', namespace: ns.name })).data).toEqual({ v: '1' });
    const names = (await core.listNamespacedConfigMap({ namespace: ns.name })).items.map((c) => c.metadata?.name);
    expect(names).not.toContain('new-one');
  });

  it('holds back only an object whose live state the server rejects, applies the rest, and prunes nothing', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    const web = { ...service(ns.name, 'web'), spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    await agent.reconcile(revisionOf(env, { web: [web, configMap(ns.name, 'settings', { v: '1' }), configMap(ns.name, 'old')] }));
    // Another tool moves the port: our re-apply would add port 80 back next to 8081, both named "http".
    await kubectl('patch', 'service', 'web', '--type', 'json', '--field-manager', 'some-controller', '-p', '[{"op":"replace","path":"/spec/ports/0/port","value":8081}]');

    const result = await agent.reconcile(revisionOf(env, { web: [web, configMap(ns.name, 'settings', { v: '2' })] }));
    expect(actions(result)).toEqual({
      [`Service ${ns.name}/web`]: 'failed',
      [`ConfigMap ${ns.name}/settings`]: 'configured',
      [`ConfigMap ${ns.name}/old`]: 'skipped',
    });
    expect(result.ok).toBe(false);
    expect(result.changes.find((c) => c.ref.kind === 'Service')?.reason).toMatch(/^blocked by its live state: .*service-web\.yaml.*Duplicate value: "http".*repair the object in the cluster/);
    expect(result.changes.find((c) => c.ref.name === 'old')?.reason).toBe('not pruned: 1 object(s) failed to apply');
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: ns.name })).data).toEqual({ v: '2' });
    expect((await core.readNamespacedService({ name: 'web', namespace: ns.name })).spec?.ports?.map((p) => p.port)).toEqual([8081]);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(JSON.parse(status.data!['result.json']).changes).toContainEqual(expect.objectContaining({ ref: expect.objectContaining({ kind: 'Service', name: 'web' }), action: 'failed' }));

    // Deleted by hand, it comes back from git, and then the rest is pruned.
    await kubectl('delete', 'service', 'web');
    const repaired = await agent.reconcile(revisionOf(env, { web: [web, configMap(ns.name, 'settings', { v: '2' })] }));
    expect(actions(repaired)).toMatchObject({ [`Service ${ns.name}/web`]: 'created', [`ConfigMap ${ns.name}/old`]: 'pruned' });
    expect(repaired.ok).toBe(true);
  });

  it('fails a revision with malformed YAML, naming file and line, and applies nothing', async () => {
    const env = uniqueName('env');
    const revision = revisionOf(env, { web: [configMap(ns.name, 'fine')] });
    (revision.files as Map<string, string>).set(`web/${ns.name}/configmap-bad.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n data: [oops\n');
    const result = await reconcilerFor(env, ns.name).reconcile(revision);
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toContain(`${env}/web/${ns.name}/configmap-bad.yaml:5`);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedConfigMap({ namespace: ns.name })).items.map((c) => c.metadata?.name)).not.toContain('fine');
  });

  it('applies a namespace before its contents and prunes the contents before the namespace', async () => {
    const env = uniqueName('env');
    const team = uniqueName('team');
    const agent = reconcilerFor(env, ns.name);
    const created = await agent.reconcile(revisionOf(env, { team: [configMap(team, 'settings'), namespaceObject(team)] }));
    expect(created.errors).toEqual([]);
    expect(created.changes.map((c) => c.ref.kind)).toEqual(['Namespace', 'ConfigMap']);
    const pruned = await agent.reconcile(revisionOf(env, { other: [configMap(ns.name, 'x')] }));
    expect(pruned.changes.filter((c) => c.action === 'pruned').map((c) => c.ref.kind)).toEqual(['ConfigMap', 'Namespace']);
  });

  it('applies a CRD and a custom resource of it in one revision', async () => {
    const env = uniqueName('env');
    const group = `${uniqueName('g')}.example.com`;
    const crd = customResourceDefinition(group, 'Widget', { type: 'object', properties: { size: { type: 'integer' } } });
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: ns.name }, spec: { size: 3 } };
    const agent = reconcilerFor(env, ns.name);
    const result = await agent.reconcile(revisionOf(env, { widgets: [widget, crd] }));
    expect(result.errors).toEqual([]);
    expect(actions(result)).toEqual({ [`CustomResourceDefinition widgets.${group}`]: 'created', [`Widget ${ns.name}/w1`]: 'created' });
    // and both go away together, the custom resource first
    const pruned = await reconcilerFor(env, ns.name, { allowEmpty: true }).reconcile(revisionOf(env, {}));
    expect(pruned.errors).toEqual([]);
    expect(pruned.changes.map((c) => `${c.ref.kind}:${c.action}`)).toEqual(['Widget:pruned', 'CustomResourceDefinition:pruned']);
  });
});

describe('health in the reconcile result', () => {
  it('waits for a rollout, then reports a stuck one as Progressing and later Degraded, in the status object too', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name, { healthTimeoutMs: 20_000 });
    const healthy = await agent.reconcile(revisionOf(env, { web: [deployment(ns.name, 'web')] }));
    expect(healthy.health).toMatchObject({ status: 'Healthy', apps: { web: { status: 'Healthy' } } });

    const stuck = deployment(ns.name, 'stuck');
    Object.assign(stuck.spec as object, { progressDeadlineSeconds: 3 });
    Object.assign((stuck.spec as { template: { spec: object } }).template.spec, { nodeSelector: { 'no-such-node': 'true' } });
    const quick = reconcilerFor(env, ns.name, { healthTimeoutMs: 1_000 });
    const first = await quick.reconcile(revisionOf(env, { web: [deployment(ns.name, 'web')], stuck: [stuck] }));
    expect(first.health?.apps.stuck).toMatchObject({ status: 'Progressing' });
    expect(first.health?.message).toMatch(/^not settled after .*Deployment stuck/);

    await new Promise((r) => setTimeout(r, 4_000));
    const later = await quick.reconcile(revisionOf(env, { web: [deployment(ns.name, 'web')], stuck: [stuck] }));
    expect(later.health?.apps.stuck).toMatchObject({ status: 'Degraded', message: expect.stringContaining('ProgressDeadlineExceeded') });
    expect(later.health?.apps.web.status).toBe('Healthy');
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(status.data?.health).toBe('Degraded');
    expect(status.data?.summary).toMatch(/health Degraded: Deployment stuck/);

    // A change elsewhere waits for what it wrote (a ConfigMap: at once), not for the stuck rollout.
    const unrelated = await agent.reconcile(revisionOf(env, { web: [deployment(ns.name, 'web'), configMap(ns.name, 'web-settings')], stuck: [stuck] }));
    expect(unrelated.changes.filter((c) => c.action === 'created').map((c) => c.ref.name)).toEqual(['web-settings']);
    expect(unrelated.durationMs).toBeLessThan(10_000); // its health timeout is 20 s
    expect(unrelated.health).toMatchObject({ status: 'Degraded', apps: { stuck: { status: 'Degraded' }, web: { status: 'Healthy' } } });
  });
});
