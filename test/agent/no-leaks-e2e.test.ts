// Planted secrets never leak: a real `gitops agent --once` with a token in the remote URL (which the git
// server refuses), a kubeconfig whose exec plugin fails once with secrets on its stderr and then hands out
// a client certificate, against the real API server. Its logs, the status ConfigMap, the Events, /status and
// every process's command line while it runs are scanned for the secrets.
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CoreV1Api } from '@kubernetes/client-node';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { cleanUp as cleanUpHttp, startHttpGit } from '../publish/fixtures.ts';
import { addCommandLines } from '../helpers/command-lines.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { freePort } from '../controlplane/ports.ts';
import { waitFor } from '../setup/wait-for.ts';
import { uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'leaks' });
afterAll(() => { cleanUp(); cleanUpHttp(); });

const URL_TOKEN = 'ghp_PlantedUrlToken1';
const REFRESH_TOKEN = 'rt_PlantedRefresh2';
const BEARER = 'PlantedBearer3';
const SECRETS = [URL_TOKEN, REFRESH_TOKEN, BEARER];

/** The admin kubeconfig with its user replaced by an exec plugin that fails once, loudly, then returns the admin's certificate. */
function kubeconfigWithPlugin(): string {
  const admin = parse(readFileSync(ns.kubeconfigPath, 'utf8'));
  const pem = (key: string) => Buffer.from(admin.users[0].user[key], 'base64').toString('utf8');
  const dir = tempDir('leaks-kube-');
  writeFileSync(join(dir, 'cert.json'), JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
    status: { clientCertificateData: pem('client-certificate-data'), clientKeyData: pem('client-key-data') } }));
  writeFileSync(join(dir, 'plugin'), `#!/bin/sh\ncd "$(dirname "$0")"\nif [ -e failed ]; then cat cert.json; exit 0; fi\ntouch failed\n`
    + `echo "token refresh failed: refresh_token=${REFRESH_TOKEN}; Authorization: Bearer ${BEARER}" >&2\nexit 1\n`);
  chmodSync(join(dir, 'plugin'), 0o755);
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, stringify({ ...admin, users: [{ name: admin.users[0].name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin' } } }] }));
  return file;
}

/** A running agent's `/status`, with and without the webhook secret, once it reports the source error; then it is stopped. */
async function statusServed(args: readonly string[], url: string, lines: Set<string>): Promise<{ withSecret: string; without: string; out: string }> {
  const port = await freePort();
  const secret = 'leaks-webhook-secret';
  const running = [...args.filter((a) => a !== '--once'), '--listen', `127.0.0.1:${port}`, '--interval', '1h', '--webhook-secret-env', 'LEAKS_WEBHOOK_SECRET'];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...running],
    { cwd: tempDir('leaks-cwd-'), env: { ...process.env, GITOPS_REPO: url, LEAKS_WEBHOOK_SECRET: secret } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (out += c));
  const sampler = setInterval(() => addCommandLines(lines), 1);
  try {
    const read = (headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}/status`, { headers }).then((r) => r.text()).catch(() => '');
    const withSecret = await waitFor('the source error in /status', () => read({ Authorization: `Bearer ${secret}` }), (text) => text.includes('git ls-remote'), { timeoutMs: 30_000 });
    return { withSecret, without: await read(), out };
  } finally {
    clearInterval(sampler);
    child.kill('SIGKILL');
  }
}

describe('planted secrets', () => {
  it('reach no log, status ConfigMap, Event, /status or command line of a failing agent', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    remote.commit({ [`${env}/app/${ns.name}/configmap-a.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n' });
    const http = await startHttpGit(remote.baseDir, 'agent', 'the-right-token');
    const url = http.url('remote.git').replace('http://', `http://agent:${URL_TOKEN}@`);
    const args = ['agent', '--once', '--no-leader-elect', '--cache-dir', tempDir(), '--kubeconfig', kubeconfigWithPlugin(), '--namespace', ns.name, '--env', env];

    const lines = new Set<string>();
    const agentOnce = () => new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: tempDir('leaks-cwd-'), env: { ...process.env, GITOPS_REPO: url } });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c));
      child.stderr.on('data', (c: Buffer) => (out += c));
      const sampler = setInterval(() => addCommandLines(lines), 1);
      child.on('close', (code) => { clearInterval(sampler); done({ code, out }); });
    });
    // First run: the plugin fails (its stderr reaches the log); second run: it works, so the status and Events are written.
    const first = await agentOnce();
    expect(first.out).toContain('refresh_token=***');
    const second = await agentOnce();
    expect([first.code, second.code]).toEqual([4, 4]); // git's exit code

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(status.data?.ok).toBe('false');
    expect(JSON.stringify(status.data)).toContain(`'http://***@${url.split('@')[1]}'`);
    const events = (await core.listNamespacedEvent({ namespace: ns.name })).items;
    expect(events.length).toBeGreaterThan(0);
    expect([...lines].some((line) => line.includes('ls-remote'))).toBe(true); // the sampling saw git at work
    const served = await statusServed(args, url, lines);
    expect(served.withSecret).toContain('http://***@');
    const seen = [first.out, second.out, JSON.stringify(status), JSON.stringify(events), served.withSecret, served.without, served.out, ...lines].join('\n');
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
  });
});
