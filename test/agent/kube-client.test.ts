// The agent's own Kubernetes client against the real API server: a token kubeconfig, refusals that
// name the object and the server's reason, and the watch cache following our objects, including
// what changed while its connection was down.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatError } from '../../core/errors.ts';
import { KubeClient } from '../../agent/kube.ts';
import { loadConnection } from '../../agent/kubeconfig.ts';
import { OWNER_ENV } from '../../agent/labels.ts';
import { WatchCache, type WatchEvent } from '../../agent/watch-cache.ts';
import { customResourceDefinition } from '../helpers/crd.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { grantClusterRole, serviceAccountToken } from '../setup/service-accounts.ts';
import { waitFor } from '../setup/wait-for.ts';
import { configMap, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'client' });

/** The test kubeconfig with its user replaced (or its server), written to a new file. */
function kubeconfigWith(change: (doc: { users: { user: object }[]; clusters: { cluster: { server: string } }[] }) => void): string {
  const doc = parse(readFileSync(ns.kubeconfigPath, 'utf8'));
  change(doc);
  const file = join(mkdtempSync(join(tmpdir(), 'client-kubeconfig-')), 'config');
  writeFileSync(file, stringify(doc));
  return file;
}

/** A TCP relay to the API server that the test can cut and restore, standing in for a network outage. */
async function relay(target: URL): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => { port = (server!.address() as { port: number }).port; resolve(); });
  });
  const cut = () => new Promise<void>((resolve) => { server!.close(() => resolve()); for (const s of sockets) s.destroy(); });
  await listen();
  return { port, cut, restore: listen, close: cut };
}

describe('the agent client', () => {
  const stops: (() => unknown)[] = [];
  afterEach(async () => { for (const stop of stops.splice(0)) await stop(); });

  it('authenticates with a token kubeconfig; a refusal names the object and the server reason', async () => {
    const token = await serviceAccountToken(ns.kubeConfig, ns.name, 'agent');
    const kube = new KubeClient(loadConnection(kubeconfigWith((doc) => { doc.users[0].user = { token }; })));

    const refused = await kube.read('v1', 'ConfigMap', ns.name, 'settings').then(() => undefined, (error: unknown) => formatError(error));
    expect(refused).toContain(`ConfigMap ${ns.name}/settings`);
    expect(refused).toMatch(new RegExp(`configmaps "settings" is forbidden: User "system:serviceaccount:${ns.name}:agent" cannot get`));

    await grantClusterRole(ns.kubeConfig, ns.name, 'agent', 'edit');
    await waitFor('the token to be allowed', () => kube.read('v1', 'ConfigMap', ns.name, 'settings').then(() => true, () => false), (ok) => ok);
    const applied = await kube.apply(configMap(ns.name, 'settings', { mode: 'token' }));
    expect((applied.metadata.managedFields as { manager: string }[]).map((f) => f.manager)).toContain('typed-gitops');
    expect((await kube.read('v1', 'ConfigMap', ns.name, 'settings'))?.data).toEqual({ mode: 'token' });
  });

  it('reports a kind the server does not serve as NotFound, naming it', async () => {
    const kube = new KubeClient(ns.connection);
    const error = await kube.apply({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: ns.name } }).catch(formatError);
    expect(error).toMatch(/Gadget .*\/g: the server does not serve kind Gadget in example.com\/v1 \(is its CRD installed\?\)/);
    expect(await kube.read('example.com/v1', 'Gadget', ns.name, 'g')).toBeUndefined();
  });

  it('finds a kind whose CRD someone installed after the client first looked for it', async () => {
    const kube = new KubeClient(ns.connection);
    const group = `${uniqueName('g')}.example.com`;
    const gadget = { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g1', namespace: ns.name }, spec: { size: 1 } };
    expect(await kube.read(gadget.apiVersion, 'Gadget', ns.name, 'g1')).toBeUndefined(); // not served: discovery says so
    await new KubeClient(ns.connection, 'installer').apply(customResourceDefinition(group, 'Gadget', { type: 'object', properties: { size: { type: 'integer' } } }));
    const applied = await waitFor('the new kind to be applied', () => kube.apply(gadget), () => true, { timeoutMs: 30_000, intervalMs: 500 });
    expect(applied.spec).toEqual({ size: 1 });
    await kube.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', namespace: '', name: `gadgets.${group}` }, 'Background');
  });

  it('refuses names that would address another object, before any request, and deletes nothing', async () => {
    const kube = new KubeClient(ns.connection);
    await kube.apply(configMap(ns.name, 'a'));
    await kube.apply(configMap(ns.name, 'b'));
    for (const name of ['..', '.', 'a/..', '%2e%2e']) {
      const attempts = {
        delete: () => kube.delete({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: ns.name, name }, 'Background'),
        read: () => kube.read('v1', 'ConfigMap', ns.name, name),
        apply: () => kube.apply(configMap(ns.name, name)),
      };
      for (const [verb, attempt] of Object.entries(attempts)) {
        const error = await attempt().then(() => `${verb} was sent`, formatError);
        expect.soft(error, `${verb} ${name}`).toContain(`ConfigMap ${ns.name}/${name}: refused before any request: the name ${JSON.stringify(name)} may not`);
      }
    }
    expect((await kube.read('v1', 'Namespace', '', ns.name))?.metadata.deletionTimestamp).toBeUndefined();
    expect((await kube.list('v1', 'ConfigMap', { namespace: ns.name })).map((c) => c.metadata.name)).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('the watch cache follows our objects only, and after an outage lists again and reports what changed meanwhile', async () => {
    const env = uniqueName('env');
    const server = new URL(loadConnection(ns.kubeconfigPath).server);
    const outage = await relay(server);
    stops.push(outage.close);
    const kube = new KubeClient(loadConnection(kubeconfigWith((doc) => { doc.clusters[0].cluster.server = `https://127.0.0.1:${outage.port}`; })));
    const admin = new KubeClient(ns.connection);
    const ours = (name: string, value: string) => ({ ...configMap(ns.name, name, { value }), metadata: { name, namespace: ns.name, labels: { [OWNER_ENV]: env } } });

    await admin.apply(ours('kept', '1'));
    await admin.apply(ours('deleted-while-away', '1'));
    await admin.apply(configMap(ns.name, 'not-ours'));
    const events: string[] = [];
    const errors: string[] = [];
    const cache = new WatchCache({ kube, env, retryMs: 100, onEvent: (event: WatchEvent, c) => events.push(`${event} ${c.object.metadata.name}`), onError: (m) => errors.push(m) });
    stops.push(() => cache.stop());
    await cache.ensure([{ apiVersion: 'v1', kind: 'ConfigMap' }]);
    const names = () => cache.list('v1', 'ConfigMap').map((c) => c.object.metadata.name).sort();
    expect(names()).toEqual(['deleted-while-away', 'kept']);

    await admin.apply(ours('kept', '2'));
    await waitFor('the update to reach the cache', async () => cache.list('v1', 'ConfigMap').find((c) => c.object.metadata.name === 'kept')?.object.data as { value?: string } | undefined, (d) => d?.value === '2');
    expect(events).toContain('update kept');

    await outage.cut();
    await admin.delete({ apiVersion: 'v1', kind: 'ConfigMap', group: '', namespace: ns.name, name: 'deleted-while-away' }, 'Background');
    await admin.apply(ours('added-while-away', '1'));
    await waitFor('the watch failure to be reported', async () => errors.length, (n) => n > 0);
    expect(errors[0]).toMatch(/watch of ConfigMap \(v1\) failed: .*; listing again/);
    await outage.restore();
    await waitFor('the cache to catch up', async () => names(), (n) => n.join() === 'added-while-away,kept');
    expect(events).toEqual(expect.arrayContaining(['delete deleted-while-away', 'add added-while-away']));
    expect(events.some((e) => e.endsWith('not-ours'))).toBe(false);
  });
});
