// A real `gitops agent` process for end-to-end tests of what it serves: it follows a rendered
// remote for a test namespace, with a webhook secret and an interval of an hour, so only a call
// (`check()`) or a drift moves it. Its log is kept to explain a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../agent-source/fixtures.ts';
import { freePort } from '../controlplane/ports.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import type { TestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';

export const AGENT_SECRET = 'e2e-web-secret';

export interface AgentProcess {
  readonly url: string;
  /** GET with the secret as a bearer token. */
  get(path: string): Promise<Response>;
  /** Asks for a check of the branch head, as a forge's webhook does. */
  check(): Promise<void>;
  /** Waits until /status says `revision` was applied and the environment is fine. */
  applied(revision: string): Promise<void>;
  log(): string;
  kill(): void;
}

export async function startAgentProcess(ns: TestNamespace, remotePath: string, env: string): Promise<AgentProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remotePath, '--env', env,
    '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--interval', '1h', '--listen', `127.0.0.1:${port}`, '--cache-dir', tempDir(),
    '--health-timeout', '0s', '--no-leader-elect', '--webhook-secret-env', 'GITOPS_E2E_WEB_SECRET'],
  { cwd: tempDir('agent-cwd-'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GITOPS_E2E_WEB_SECRET: AGENT_SECRET } });
  const lines: string[] = [];
  child.stdout!.on('data', (c: Buffer) => lines.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => lines.push(c.toString()));
  const log = () => lines.join('').slice(-4000);
  const get = (path: string) => fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${AGENT_SECRET}` } });
  return {
    url, get, log,
    async check() {
      const answer = await fetch(`${url}/hooks/git`, { method: 'POST', headers: { 'X-Gitops-Secret': AGENT_SECRET } });
      if (answer.status !== 202) throw new Error(`the webhook answered ${answer.status}`);
    },
    async applied(revision) {
      await waitFor(`revision ${revision} applied`, async () => (await get('/status')).json() as Promise<{ ok?: boolean; revision?: string }>,
        (s) => s.ok === true && s.revision === revision, { timeoutMs: 60_000 })
        .catch((e: Error) => { throw new Error(`${e.message}\nagent log:\n${log()}`); });
    },
    kill: () => { child.kill('SIGKILL'); },
  };
}
