// The watch cache when the API server cannot be asked: a kind it could not discover is an error,
// never "no objects of that kind" (which would make every object of it look deleted).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from './kube.ts';
import type { KubeConnection } from './kubeconfig.ts';
import { WatchCache } from './watch-cache.ts';

// A server that fails every discovery request, as an API server does while it starts or is overloaded.
const server = createServer((_, res) => { res.writeHead(503, { 'content-type': 'application/json' }).end('{"kind":"Status","reason":"ServiceUnavailable","message":"try later"}'); });
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
});
