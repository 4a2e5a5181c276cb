// Impersonation headers as client-go builds them, a kubeconfig's as* fields as kubectl reads them, and
// the headers on the wire (a local HTTP server records them). The real server's view is in
// test/agent/impersonation.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { formatError } from '../compiler/errors.ts';
import { actingAs, escapeExtraKey, impersonationHeaders, parseServiceAccount, serviceAccountIdentity } from './impersonation.ts';
import { KubeHttp } from './kube-http.ts';
import { loadConnection } from './kubeconfig.ts';

function kubeconfigWith(user: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubeconfig-as-')), 'config');
  writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:1' } }], users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
  }));
  return file;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return formatError(error);
  }
  throw new Error('expected an error');
}

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

  it('gives a ServiceAccount the user name and groups its own token would have', () => {
    expect(serviceAccountIdentity('team-a', 'deployer')).toEqual({
      user: 'system:serviceaccount:team-a:deployer',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
  });
});

describe('parseServiceAccount', () => {
  it("reads 'name' in the default namespace, or 'namespace/name'", () => {
    expect(parseServiceAccount('deployer', 'gitops-system', 'agent.serviceAccount')).toEqual({ namespace: 'gitops-system', name: 'deployer' });
    expect(parseServiceAccount('team-a/deploy.er', 'gitops-system', 'agent.serviceAccount')).toEqual({ namespace: 'team-a', name: 'deploy.er' });
  });

  it.each(['a/b/c', '/x', 'x/', 'Team/x', 'team/X', 'team/a_b', `${'a'.repeat(64)}/x`])('refuses %j, naming the key', (value) => {
    expect(errorOf(() => parseServiceAccount(value, 'gitops-system', '--service-account')))
      .toContain(`--service-account: ${JSON.stringify(value)} is not a ServiceAccount`);
  });
});

describe("a kubeconfig user's as* fields", () => {
  it('are read into the connection', () => {
    const connection = loadConnection(kubeconfigWith({
      token: 't', as: 'jane', 'as-groups': ['dev', 'ops'], 'as-uid': '42', 'as-user-extra': { scopes: ['read'] },
    }));
    expect(connection.impersonate).toEqual({ user: 'jane', groups: ['dev', 'ops'], uid: '42', extra: { scopes: ['read'] } });
    expect(loadConnection(kubeconfigWith({ token: 't' })).impersonate).toBeUndefined();
  });

  it.each([
    [{ 'as-groups': ['dev'] }, 'as-groups, as-uid or as-user-extra is set without as'],
    [{ 'as-uid': '42' }, 'as-groups, as-uid or as-user-extra is set without as'],
    [{ as: 7 }, 'as must be a string'],
    [{ as: 'jane', 'as-groups': 'dev' }, 'as-groups must be a list of strings'],
    [{ as: 'jane', 'as-user-extra': ['x'] }, 'as-user-extra must be a map of key: [values]'],
    [{ as: 'jane', 'as-user-extra': { scopes: 'read' } }, 'as-user-extra.scopes must be a list of strings'],
    [{ as: 'jane\r\nImpersonate-Group: system:masters' }, 'as "jane\\r\\nImpersonate-Group: system:masters" has a character an HTTP header cannot carry'],
  ])('refuses %j, naming the file and the user', (fields, problem) => {
    const file = kubeconfigWith({ token: 't', ...fields });
    const message = errorOf(() => loadConnection(file));
    expect(message).toContain(file);
    expect(message).toContain(`user u: ${problem}`);
  });
});

describe('requests acting as someone', () => {
  it('carry the credentials and the Impersonate-* header lines; the same connection without it sends none', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const rawGroups: string[][] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      rawGroups.push(req.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1] === 'Impersonate-Group'));
      res.setHeader('Content-Type', 'application/json').end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const own = { ...loadConnection(kubeconfigWith({ token: 'secret' })), server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };

    await new KubeHttp(actingAs(own, serviceAccountIdentity('team-a', 'deployer'))).request('GET', '/api');
    await new KubeHttp(own).request('GET', '/api');
    expect(seen[0]).toMatchObject({ authorization: 'Bearer secret', 'impersonate-user': 'system:serviceaccount:team-a:deployer' });
    expect(rawGroups[0]).toEqual(['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']);
    expect(Object.keys(seen[1]!).filter((h) => h.startsWith('impersonate-'))).toEqual([]);
  });
});
