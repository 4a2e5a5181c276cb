// The agent for the demo's environment, as a user runs it: `gitops agent` against the demo's git
// server and control plane, its JSON log in a file, its webhook and /status on a free local port.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import type { ReconcileResult } from '../agent/types.ts';
import { freePort } from '../test/controlplane/ports.ts';
import { checkoutRoot as REPO_ROOT } from '../test/controlplane/paths.ts';
import { gitopsBin } from './commands.ts';

export interface DemoAgent {
  /** http://127.0.0.1:<port> (webhook, /status, /healthz) */
  readonly url: string;
  readonly logFile: string;
  /** The agent's web page when it serves one, else its JSON /status. */
  page(): Promise<{ readonly url: string; readonly html: boolean }>;
  /** The last reconcile result, undefined before the first one. */
  status(): Promise<ReconcileResult | undefined>;
  stop(): Promise<void>;
}

export interface AgentOptions {
  readonly repoUrl: string;
  readonly env: string;
  readonly kubeconfigPath: string;
  readonly dir: string;
  /** Opens the environment's encrypted Secrets. */
  readonly ageKeyFile: string;
}

export async function startDemoAgent(o: AgentOptions): Promise<DemoAgent> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const logFile = join(o.dir, 'agent.log');
  const args = ['agent', '--repo', o.repoUrl, '--env', o.env, '--kubeconfig', o.kubeconfigPath, '--listen', url.slice('http://'.length), '--cache-dir', join(o.dir, 'agent-cache'), '--age-key-file', o.ageKeyFile];
  const log = openSync(logFile, 'a');
  // The project's own config gives the environment's defaults (namespace, bounds), as in a user's checkout.
  const child = spawn(process.execPath, ['--max-semi-space-size=1', '--optimize-for-size', gitopsBin, ...args], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
  await untilListening(child, url, logFile);
  return {
    url,
    logFile,
    page: async () => {
      const res = await fetch(`${url}/`).catch(() => undefined);
      const html = res?.ok === true && (res.headers.get('content-type') ?? '').includes('text/html');
      return html ? { url: `${url}/`, html } : { url: `${url}/status`, html };
    },
    status: async () => {
      const res = await fetch(`${url}/status`);
      return res.status === 200 ? ((await res.json()) as ReconcileResult) : undefined;
    },
    stop: () => stopChild(child),
  };
}

async function untilListening(child: ChildProcess, url: string, logFile: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`gitops agent exited with ${child.exitCode}; see ${logFile}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopChild(child);
  throw new Error(`gitops agent did not answer on ${url}/healthz within 30 s; see ${logFile}`);
}

/** SIGTERM (the agent releases its Lease), SIGKILL after 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}
