// The forge webhook end to end: a real `gitops agent` process with a webhook secret follows a real
// remote on the real control plane (interval of an hour, so only a call can move it). A forged call
// (signed with another secret) is refused and counted and changes nothing; a call signed as GitHub
// signs its deliveries makes the agent apply the new commit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { freePort } from '../controlplane/ports.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { configMap, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'webhook' });
let agent: ChildProcess | undefined;
const log: string[] = [];
afterAll(() => { agent?.kill('SIGKILL'); cleanUp(); });

const SECRET = 'e2e-webhook-secret';
/** As GitHub signs a delivery: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the secret. */
const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('forge webhook end to end', () => {
  it('a forged call changes nothing; a GitHub-signed push makes the agent apply the new commit', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const file = `${env}/app/${ns.name}/configmap-hooked.yaml`;
    const first = remote.commit({ [file]: renderedYaml(env, 'app', configMap(ns.name, 'hooked', { value: 'v1' })) });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    agent = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--env', env,
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--interval', '1h', '--listen', `127.0.0.1:${port}`, '--cache-dir', tempDir(),
      '--health-timeout', '0s', '--no-leader-elect', '--webhook-secret-env', 'GITOPS_E2E_WEBHOOK_SECRET'],
    { cwd: tempDir('agent-cwd-'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITOPS_E2E_WEBHOOK_SECRET: `${SECRET}\n` } }); // as a Secret made from standard input holds it: the newline is no part of it
    agent.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    agent.stderr!.on('data', (c: Buffer) => log.push(c.toString()));

    const status = async (headers: Record<string, string> = {}) => (await fetch(`${url}/status`, { headers })).json() as Promise<Record<string, unknown>>;
    const value = async () => (await ns.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'hooked', namespace: ns.name }).catch(() => undefined))?.data?.value;
    const hook = (signature: string, body: string) => fetch(`${url}/hooks/git`, {
      method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'X-Hub-Signature-256': signature },
    });
    await waitFor('the first commit applied', () => status({ Authorization: `Bearer ${SECRET}` }), (s) => s.ok === true && s.revision === first, { timeoutMs: 60_000 })
      .catch((e: Error) => { throw new Error(`${e.message}\nagent log:\n${log.join('').slice(-3000)}`); });
    expect(await value()).toBe('v1');

    const next = remote.commit({ [file]: renderedYaml(env, 'app', configMap(ns.name, 'hooked', { value: 'v2' })) });
    // The payload names a commit; the agent never trusts it and looks at the branch head itself.
    const body = JSON.stringify({ ref: 'refs/heads/rendered', after: '0'.repeat(40), repository: { full_name: 'team/rendered' } });
    expect((await hook(sign('a guess', body), body)).status).toBe(401);
    await sleep(1500);
    expect(await value()).toBe('v1');
    expect(await status()).toMatchObject({ revision: first, webhook: { refusedCalls: 1 } });

    const pushedAt = Date.now();
    const accepted = await hook(sign(SECRET, body), body);
    expect(accepted.status).toBe(202);
    await waitFor('the pushed commit applied', value, (v) => v === 'v2', { timeoutMs: 20_000, intervalMs: 20 });
    console.log(`webhook: signed push to applied in ${Date.now() - pushedAt} ms`);
    // The reconcile's result is published once it ends (after its health check), a moment after the apply.
    await waitFor('the status to name the pushed commit', () => status(), (s) => s.ok === true && s.revision === next, { timeoutMs: 20_000 });
    expect(log.join('')).not.toContain(SECRET);
  }, 90_000);
});
