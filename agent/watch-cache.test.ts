// The watch cache when the API server cannot be asked: a kind it could not discover is an error,
// never "no objects of that kind" (which would make every object of it look deleted).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from './kube.ts';
import type { KubeConnection } from './kubeconfig.ts';
import { WatchCache } from './watch-cache.ts';

// A server that fails every discovery request, as an API server does while it starts or is overloaded.
// With `discovery` on, it serves ConfigMaps in discovery and fails the lists only.
let lists = 0;
let discovery = false;
const server = createServer((req, res) => {
  if (discovery && req.url === '/api/v1') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"resources":[{"name":"configmaps","kind":"ConfigMap","namespaced":true}]}');
  if (req.url?.includes('/configmaps')) lists++;
  res.writeHead(503, { 'content-type': 'application/json' }).end('{"kind":"Status","reason":"ServiceUnavailable","message":"try later"}');
});
let connection: KubeConnection;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  connection = { server: `http://127.0.0.1:${port}`, namespace: 'default', tls: { rejectUnauthorized: true }, source: 'test', authenticate: async () => {} };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('WatchCache.ensure', () => {
  it('fails when discovery fails, instead of watching nothing', async () => {
    const cache = new WatchCache({ kube: new KubeClient(connection), env: 'dev', onEvent: () => {}, onError: () => {} });
    await expect(cache.ensure([{ apiVersion: 'v1', kind: 'ConfigMap' }])).rejects.toThrow('try later');
    cache.stop();
  });

  it('lists a few scopes at a time, and no more once one failed (a revision may name thousands of namespaces)', async () => {
    const cache = new WatchCache({ kube: new KubeClient(connection), env: 'dev', onEvent: () => {}, onError: () => {} });
    [lists, discovery] = [0, true];
    const scopes = Array.from({ length: 500 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: `team-${i}` }));
    await expect(cache.ensure(scopes)).rejects.toThrow('try later');
    await new Promise((resolve) => setTimeout(resolve, 300)); // lists still on their way would arrive by now
    expect(lists).toBeLessThanOrEqual(8);
    cache.stop();
    discovery = false;
  });
});
