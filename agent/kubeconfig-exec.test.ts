// Exec credential plugins as real scripts: caching, time limit, redacted stderr, client certificates.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { execCredentials } from './exec-credential.ts';
import { loadConnection } from './kubeconfig.ts';

/** A shell plugin in a folder of its own that appends a line to `runs` each time it starts; returns the folder. */
function plugin(body: string): { dir: string; command: string; runs(): number } {
  const dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
  const command = join(dir, 'plugin');
  writeFileSync(command, `#!/bin/sh\necho run >> "${dir}/runs"\n${body}\n`);
  chmodSync(command, 0o755);
  const runs = () => (existsSync(join(dir, 'runs')) ? readFileSync(join(dir, 'runs'), 'utf8').split('\n').length - 1 : 0);
  return { dir, command, runs };
}

const credential = (status: object) => `cat <<'EOF'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status })}\nEOF`;

function kubeconfigWith(dir: string, exec: object, server = 'https://127.0.0.1:6443'): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx', clusters: [{ name: 'c', cluster: { server } }],
    users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', ...exec } } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
  }));
  return file;
}

const ask = async (connection: ReturnType<typeof loadConnection>) => {
  const request = { headers: {} as Record<string, string | string[]> } as Parameters<typeof connection.authenticate>[0];
  await connection.authenticate(request);
  return request;
};

describe('exec credential plugins', () => {
  it('keep a credential until its expirationTimestamp', async () => {
    const p = plugin(credential({ token: 'tok-1', expirationTimestamp: new Date(Date.now() + 3_600_000).toISOString() }));
    const connection = loadConnection(kubeconfigWith(p.dir, { command: p.command }));
    expect((await ask(connection)).headers.Authorization).toBe('Bearer tok-1');
    await ask(connection);
    expect(p.runs()).toBe(1);

    const expired = plugin(credential({ token: 'tok-2', expirationTimestamp: new Date(Date.now() - 1000).toISOString() }));
    const again = loadConnection(kubeconfigWith(expired.dir, { command: expired.command }));
    await ask(again);
    await ask(again);
    expect(expired.runs()).toBe(2);
  });

  it('keep a credential without an expiry until a 401 refreshes it', async () => {
    const p = plugin(credential({ token: 'tok-forever' }));
    const connection = loadConnection(kubeconfigWith(p.dir, { command: p.command }));
    await ask(connection);
    await ask(connection);
    expect(p.runs()).toBe(1);
    connection.refresh!();
    expect((await ask(connection)).headers.Authorization).toBe('Bearer tok-forever');
    expect(p.runs()).toBe(2);
  });

  it('stop a hung plugin at the time limit, with its children, and say so', async () => {
    const p = plugin(`sleep 60 & echo "$!" > "${'$'}(dirname "$0")/child"\nwait`);
    const credentials = execCredentials({ command: p.command }, { user: 'u', kubeconfig: join(p.dir, 'kubeconfig'), timeoutMs: 1500 });
    const started = Date.now();
    await expect(credentials.get()).rejects.toThrow(/exec credential plugin .* of user u \(in .*kubeconfig\) did not finish within 1.5 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const child = readFileSync(join(p.dir, 'child'), 'utf8').trim();
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`/proc/${child}`) && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ')).toBe(false);
  });

  it('trim and redact the stderr of a failing plugin', async () => {
    const p = plugin(`echo "oauth error: refresh_token=rt-SECRET-1 rejected; Authorization: Bearer bt-SECRET-2" >&2\necho '{"password": "pw-SECRET-3"}' >&2\nexit 3`);
    const connection = loadConnection(kubeconfigWith(p.dir, { command: p.command }));
    const error = await ask(connection).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('failed (exit 3)');
    expect(error!.message).toContain('refresh_token=***');
    expect(error!.message).toContain(join(p.dir, 'kubeconfig'));
    expect(error!.message).not.toMatch(/SECRET/);
  });

  it('use the client certificate and key a plugin returns, in a connection pool of their own', async () => {
    const p = plugin(credential({ clientCertificateData: 'CERT PEM', clientKeyData: 'KEY PEM' }));
    const connection = loadConnection(kubeconfigWith(p.dir, { command: p.command }));
    const request = await ask(connection);
    const agent = request.agent as unknown as { options: { cert?: string; key?: string } };
    expect([agent.options.cert, agent.options.key]).toEqual(['CERT PEM', 'KEY PEM']);
    expect(request.headers.Authorization).toBeUndefined();
    expect((await ask(connection)).agent).toBe(agent); // kept while the credential lasts
  });

  it('refuse output that is not an ExecCredential, naming the plugin', async () => {
    const p = plugin('echo not json');
    await expect(execCredentials({ command: p.command }, { user: 'u', kubeconfig: 'k' }).get()).rejects.toThrow(/plugin .* of user u \(in k\) did not print an ExecCredential/);
    const half = plugin(credential({ clientCertificateData: 'CERT' }));
    await expect(execCredentials({ command: join(p.dir, 'missing') }, { user: 'u', kubeconfig: 'k' }).get()).rejects.toThrow(/missing" of user u \(in k\) could not be started: spawn .*ENOENT/);
    await expect(execCredentials({ command: half.command }, { user: 'u', kubeconfig: 'k' }).get()).rejects.toThrow(/neither a token nor/);
  });
});
