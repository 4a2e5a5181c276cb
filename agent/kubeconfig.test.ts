import { chmodSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatError } from '../core/errors.ts';
import { loadConnection, type KubeConnection } from './kubeconfig.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kubeconfig-'));

function kubeconfig(user: object, cluster: object = { server: 'https://127.0.0.1:6443/' }, context: object = {}) {
  return stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', ...context } }],
  });
}

function write(base: string, name: string, text: string): string {
  const path = join(base, name);
  writeFileSync(path, text);
  return path;
}

async function headersOf(connection: KubeConnection): Promise<Record<string, string>> {
  const request = { headers: {} as Record<string, string> };
  await connection.authenticate(request);
  return request.headers;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return formatError(error);
  }
  throw new Error('expected an error');
}

describe('loadConnection', () => {
  it('reads the current context: server, namespace, CA and client certificate (inline data)', () => {
    const base = dir();
    const file = write(base, 'config', kubeconfig(
      { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') },
      { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': Buffer.from('CA').toString('base64') },
      { namespace: 'team-a' },
    ));
    const c = loadConnection(file);
    expect(c.server).toBe('https://127.0.0.1:6443');
    expect(c.namespace).toBe('team-a');
    expect([c.tls.ca?.toString(), c.tls.cert?.toString(), c.tls.key?.toString(), c.tls.rejectUnauthorized]).toEqual(['CA', 'CERT', 'KEY', true]);
  });

  it('resolves certificate files relative to the kubeconfig, as kubectl does', () => {
    const base = dir();
    mkdirSync(join(base, 'pki'));
    write(join(base, 'pki'), 'ca.crt', 'CA FILE');
    write(join(base, 'pki'), 'admin.crt', 'CERT FILE');
    write(join(base, 'pki'), 'admin.key', 'KEY FILE');
    const file = write(base, 'config', kubeconfig(
      { 'client-certificate': 'pki/admin.crt', 'client-key': 'pki/admin.key' },
      { server: 'https://127.0.0.1:6443', 'certificate-authority': 'pki/ca.crt', 'insecure-skip-tls-verify': false },
    ));
    const c = loadConnection(file);
    expect([c.tls.ca?.toString(), c.tls.cert?.toString(), c.tls.key?.toString()]).toEqual(['CA FILE', 'CERT FILE', 'KEY FILE']);
    expect(c.namespace).toBe('default');
  });

  it('sends a bearer token, or basic credentials', async () => {
    const base = dir();
    expect(await headersOf(loadConnection(write(base, 'a', kubeconfig({ token: 'abc123' }))))).toEqual({ Authorization: 'Bearer abc123' });
    const basic = await headersOf(loadConnection(write(base, 'b', kubeconfig({ username: 'ann', password: 'pw' }))));
    expect(basic.Authorization).toBe(`Basic ${Buffer.from('ann:pw').toString('base64')}`);
  });

  it('runs an exec credential plugin and sends its token', async () => {
    const base = dir();
    const plugin = write(base, 'plugin.sh', `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin"}}'\n`);
    chmodSync(plugin, 0o755);
    const file = write(base, 'config', kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }));
    expect(await headersOf(loadConnection(file))).toEqual({ Authorization: 'Bearer from-plugin' });
  });

  it('follows KUBECONFIG (its first file), then ~/.kube/config', () => {
    const base = dir();
    const first = write(base, 'first', kubeconfig({}, { server: 'https://first:6443' }));
    const second = write(base, 'second', kubeconfig({}, { server: 'https://second:6443' }));
    expect(loadConnection(undefined, { env: { KUBECONFIG: `${first}:${second}` } }).server).toBe('https://first:6443');
    mkdirSync(join(base, '.kube'));
    write(join(base, '.kube'), 'config', kubeconfig({}, { server: 'https://home:6443' }));
    expect(loadConnection(undefined, { env: {}, home: base }).server).toBe('https://home:6443');
  });

  it('in a pod, uses the service account: its CA, namespace and token, read again as it rotates', async () => {
    const sa = dir();
    write(sa, 'ca.crt', 'POD CA');
    write(sa, 'namespace', 'gitops-system\n');
    write(sa, 'token', 'token-1\n');
    const c = loadConnection(undefined, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, home: dir(), serviceAccountDir: sa });
    expect([c.server, c.namespace, c.tls.ca?.toString()]).toEqual(['https://10.0.0.1:443', 'gitops-system', 'POD CA']);
    expect(await headersOf(c)).toEqual({ Authorization: 'Bearer token-1' });
    expect(c.podNamespace).toBe('gitops-system');
    write(sa, 'token.new', 'token-2\n');
    renameSync(join(sa, 'token.new'), join(sa, 'token'));
    expect(await headersOf(c)).toEqual({ Authorization: 'Bearer token-2' });
  });

  it('finds the service account folder named by GITOPS_SERVICE_ACCOUNT_DIR, and names a missing CA file', () => {
    const sa = dir();
    write(sa, 'token', 't');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', GITOPS_SERVICE_ACCOUNT_DIR: sa };
    expect(errorOf(() => loadConnection(undefined, { env, home: dir() }))).toMatch(new RegExp(`${sa}/ca.crt: cannot read the cluster CA of the service account`));
    write(sa, 'ca.crt', 'CA');
    const c = loadConnection(undefined, { env, home: dir() });
    expect([c.server, c.namespace, c.podNamespace, c.source]).toEqual(['https://127.0.0.1:6443', 'default', 'default', `the pod service account (${sa})`]);
  });

  it('names the file and what to do when the kubeconfig is unusable', () => {
    const base = dir();
    const noContext = write(base, 'no-context', kubeconfig({}).replace('current-context: ctx', 'current-context: gone'));
    expect(errorOf(() => loadConnection(noContext))).toMatch(new RegExp(`${noContext}.*current context "gone" is not defined[\\s\\S]*use-context`));
    const oidc = write(base, 'oidc', kubeconfig({ 'auth-provider': { name: 'oidc', config: {} } }));
    expect(errorOf(() => loadConnection(oidc))).toMatch(/auth-provider oidc, which the agent does not support[\s\S]*exec credential plugin/);
    expect(errorOf(() => loadConnection(join(base, 'missing')))).toMatch(/missing: cannot read the kubeconfig: ENOENT/);
    expect(errorOf(() => loadConnection(undefined, { env: {}, home: base, serviceAccountDir: base }))).toMatch(/no kubeconfig found[\s\S]*--kubeconfig/);
  });
});

/** A kubeconfig whose user has these fields, in a folder of its own. */
const asConfig = (user: object) => write(dir(), 'config', kubeconfig(user));

describe("loadConnection: a user's as, as-groups, as-uid and as-user-extra", () => {
  it('are read into the connection', () => {
    const connection = loadConnection(asConfig({
      token: 't', as: 'jane', 'as-groups': ['dev', 'ops'], 'as-uid': '42', 'as-user-extra': { scopes: ['read'] },
    }));
    expect(connection.impersonate).toEqual({ user: 'jane', groups: ['dev', 'ops'], uid: '42', extra: { scopes: ['read'] } });
    expect(loadConnection(asConfig({ token: 't' })).impersonate).toBeUndefined();
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
    const file = asConfig({ token: 't', ...fields });
    const message = errorOf(() => loadConnection(file));
    expect(message).toContain(file);
    expect(message).toContain(`user u: ${problem}`);
  });
});
