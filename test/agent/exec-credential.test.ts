// An exec credential plugin against the real API server: a token it hands out that the server refuses
// (401) makes the agent run it once more, and the client certificate it then returns is what the
// server authenticates. The command is relative to the kubeconfig's folder, as kubectl resolves it.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KubeHttp } from '../../agent/kube-http.ts';
import { loadConnection } from '../../agent/kubeconfig.ts';
import { sharedCluster } from '../setup/cluster.ts';

describe('exec credential plugin against the API server', () => {
  it.each([['a request', false], ['a watch', true]])('refreshes a credential refused to %s, and authenticates with the client certificate it returns', async (_, watching) => {
    const admin = parse(readFileSync(sharedCluster().kubeconfigPath, 'utf8'));
    const pem = (key: string) => Buffer.from(admin.users[0].user[key], 'base64').toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'exec-cluster-'));
    const status = (s: object) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: s });
    writeFileSync(join(dir, 'revoked.json'), status({ token: 'revoked-token' }));
    writeFileSync(join(dir, 'cert.json'), status({ clientCertificateData: pem('client-certificate-data'), clientKeyData: pem('client-key-data') }));
    // First run: a token the server does not know (no expiry, so only a 401 can replace it); later runs: the certificate.
    writeFileSync(join(dir, 'plugin'), `#!/bin/sh\ncd "$(dirname "$0")"\nif [ -e ran ]; then cat cert.json; else touch ran; cat revoked.json; fi\necho run >> runs\n`);
    chmodSync(join(dir, 'plugin'), 0o755);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, stringify({
      ...admin, users: [{ name: admin.users[0].name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin' } } }],
    }));

    const client = new KubeHttp(loadConnection(file));
    if (watching) {
      const watch = () => client.watch('/api/v1/namespaces', { timeoutSeconds: '1', fieldSelector: 'metadata.name=default' }, () => {}, new AbortController().signal);
      await expect(watch()).rejects.toThrow(/Unauthorized/); // a watch is not retried here: the watcher's own retry gets the fresh credential
      await watch();
    }
    const namespace = await client.request<{ metadata: { name: string } }>('GET', '/api/v1/namespaces/default');
    expect(namespace.metadata.name).toBe('default');
    await client.request('GET', '/api/v1/namespaces/kube-system');
    expect(existsSync(join(dir, 'runs')) && readFileSync(join(dir, 'runs'), 'utf8')).toBe('run\nrun\n'); // the certificate is kept
  });
});
