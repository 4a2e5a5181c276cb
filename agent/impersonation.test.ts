// Impersonation headers as client-go builds them, ServiceAccount names, and the headers on the wire (a
// local HTTP server records them). A kubeconfig's as* fields: kubeconfig.test.ts; the real server's view:
// test/agent/impersonation.test.ts.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveConfig } from '../core/config.ts';
import { actingAs, escapeExtraKey, impersonationHeaders, serviceAccountIdentity } from './impersonation.ts';
import { KubeClient } from './kube.ts';
import { KubeHttp } from './kube-http.ts';
import type { KubeConnection } from './kubeconfig.ts';
import { objectWriter } from './reconcile.ts';

describe('impersonationHeaders', () => {
  it('sends the user, one Impersonate-Group line per group, the uid and one Impersonate-Extra line per value', () => {
    expect(impersonationHeaders({ user: 'jane', groups: ['a', 'b'], uid: '42', extra: { scopes: ['read', 'write'], 'example.com/team': ['x'], none: [] } })).toEqual({
      'Impersonate-User': 'jane', 'Impersonate-Group': ['a', 'b'], 'Impersonate-Uid': '42',
      'Impersonate-Extra-scopes': ['read', 'write'], 'Impersonate-Extra-example.com%2Fteam': ['x'],
    });
  });

  it('sends nothing without an impersonation, and only the user when that is all', () => {
    expect(impersonationHeaders(undefined)).toEqual({});
    expect(impersonationHeaders({ user: 'jane', groups: [], extra: {} })).toEqual({ 'Impersonate-User': 'jane' });
  });

  it('percent-encodes every byte of an extra key that is not a header token character, and % itself', () => {
    expect(escapeExtraKey("a-Z_0.9!#$&'*+^`|~")).toBe("a-Z_0.9!#$&'*+^`|~");
    expect(escapeExtraKey('example.com/a b%c:d')).toBe('example.com%2Fa%20b%25c%3Ad');
    expect(escapeExtraKey('gr\u00fc\u00df')).toBe('gr%C3%BC%C3%9F'); // UTF-8 bytes, as the server decodes them
  });

  it('gives a ServiceAccount its user name only (the server adds its groups)', () => {
    expect(impersonationHeaders(serviceAccountIdentity('team-a', 'deployer'))).toEqual({ 'Impersonate-User': 'system:serviceaccount:team-a:deployer' });
  });
});

describe('agent.serviceAccount in gitops.config.ts', () => {
  const config = (agent: object) => resolveConfig({ environments: { dev: { values: {} } }, agent }, 'gitops.config.ts').agent;

  it("is '' (the agent's own identity) unless set", () => {
    expect(config({}).serviceAccount).toBe('');
    expect(config({ serviceAccount: 'team-a/deployer' }).serviceAccount).toBe('team-a/deployer');
  });

  it('must be a non-empty string', () => {
    expect(() => config({ serviceAccount: 42 })).toThrow('agent.serviceAccount: must be a non-empty string');
  });
});

/** A local API server that records each request and answers `answer(path)`; its connection sends a bearer token. */
async function recordingServer(answer: (path: string) => object = () => ({})): Promise<{ connection: KubeConnection; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res.setHeader('Content-Type', 'application/json').end(JSON.stringify(answer(req.url ?? '')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { seen, connection: {
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace: 'default', tls: { rejectUnauthorized: true }, source: 'a test',
    authenticate: async (request) => { request.headers.Authorization = 'Bearer secret'; },
  } };
}

describe('requests acting as someone', () => {
  it('carry the credentials and the Impersonate-* header lines; the same connection without it sends none', async () => {
    const { connection, seen } = await recordingServer();
    await new KubeHttp(actingAs(connection, { user: 'jane', groups: ['dev', 'ops'] })).request('GET', '/api');
    await new KubeHttp(connection).request('GET', '/api');
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer secret', 'impersonate-user': 'jane' });
    expect(seen[0]!.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1] === 'Impersonate-Group')).toEqual(['dev', 'ops']);
    expect(Object.keys(seen[1]!.headers).filter((h) => h.startsWith('impersonate-'))).toEqual([]);
  });
});

describe('objectWriter', () => {
  const connection: KubeConnection = { server: 'http://127.0.0.1:1', namespace: 'default', tls: { rejectUnauthorized: true }, source: 'a test', authenticate: async () => {} };
  const account = { namespace: 'team-a', name: 'deployer' };

  it("is the agent's own client without a ServiceAccount", () => {
    const kube = new KubeClient(connection);
    expect(objectWriter(kube, { connection })).toBe(kube);
  });

  it("acts as the ServiceAccount and follows the agent's leader guard (refused before any request)", async () => {
    const kube = new KubeClient(connection);
    const writer = objectWriter(kube, { connection, serviceAccount: account });
    expect(writer.http.connection.impersonate).toEqual({ user: 'system:serviceaccount:team-a:deployer' });
    kube.writeGuard = () => 'this replica is not the leader';
    await expect(writer.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'team-a' } }))
      .rejects.toThrow('not writing ConfigMap team-a/a: this replica is not the leader');
  });

  it("forgets the agent's API discovery too when it does (new CRDs are established through the writer)", async () => {
    const server = await recordingServer(() => ({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
    const kube = new KubeClient(server.connection);
    const writer = objectWriter(kube, { connection: server.connection, serviceAccount: account });
    await kube.collectionPath('v1', 'ConfigMap');
    await kube.collectionPath('v1', 'ConfigMap');
    expect(server.seen).toHaveLength(1);
    writer.refreshDiscovery();
    await kube.collectionPath('v1', 'ConfigMap');
    expect(server.seen).toHaveLength(2);
  });
});
