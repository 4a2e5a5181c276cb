// Fault: hostile revisions on the rendered branch (issue #10, found items 1-4). A real `gitops agent` process
// follows a real remote and applies a good revision; then each hostile revision is pushed: a submodule entry,
// a 200 MB file, a file name holding a TAB, bytes that are not UTF-8, and files over the revision size. Each
// must be refused whole: /healthz keeps answering, nothing in the cluster changes, the status names the file
// and the rule, the agent's peak RSS stays within 2x its steady state plus the limit, and the next good
// revision is applied.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReconcileResult } from '../../agent/types.ts';
import { agentNodeFlags, memoryOf } from '../../bench/agent-process.ts';
import { cleanUp, renderedRemote, stageGitlink, stageLargeBlob, tempDir } from '../agent-source/fixtures.ts';
import { configMap, renderedYaml, uniqueName } from '../agent/harness.ts';
import { freePort } from '../controlplane/ports.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';

const ns = useTestNamespace({ prefix: 'hostile' });
let agent: ChildProcess | undefined;
afterAll(() => { agent?.kill('SIGKILL'); cleanUp(); if (process.env.SHOW_AGENT_LOG) console.log(agentLog.join('').slice(-6000)); });
let agentLog: string[] = [];

const MiB = 1024 * 1024;
const REVISION_LIMIT_MB = 1; // set by flag, so that a revision over it stays small to build
const FILE_LIMIT_MB = 3; // the default

describe('hostile revisions', () => {
  it('refuses each one whole, keeps answering and the cluster as last applied, with bounded memory', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const file = (name: string) => `${env}/app/${ns.name}/configmap-${name}.yaml`;
    const cm = (name: string, value = name) => renderedYaml(env, 'app', configMap(ns.name, name, { value }));
    const good = remote.commit({ [file('good-1')]: cm('good-1') });

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log: string[] = agentLog = [];
    agent = spawn(process.execPath, [...agentNodeFlags(), join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--env', env,
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--interval', '500ms', '--listen', `127.0.0.1:${port}`, '--cache-dir', tempDir(),
      '--health-timeout', '0s', '--no-leader-elect', '--max-revision-size', '1MiB'], { cwd: tempDir('agent-cwd-'), stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    agent.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
    const pid = agent.pid!;

    /** One request, within 2 s; retried once when a kept-alive socket was closed (the test blocked while hashing), never on a timeout. */
    const request = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(2000) })
      .catch((e: Error) => (e.name === 'TimeoutError' ? Promise.reject(e) : fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(2000) })));
    const status = async () => {
      const res = await request('/status');
      return res.status === 200 ? (await res.json()) as ReconcileResult : undefined;
    };
    let answered = false; // before its first answer, the agent may still be starting
    /** Polls /status until `wanted`; every poll also checks that /healthz answers within 2 s. */
    const until = async (what: string, wanted: (r: ReconcileResult) => boolean, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        expect(agent!.exitCode, `the agent exited; its log:\n${log.join('').slice(-3000)}`).toBeNull();
        const health = await request('/healthz').catch((e: unknown) => e);
        if (!(health instanceof Error)) answered = true;
        if (Date.now() > deadline || (health instanceof Error && answered)) {
          throw new Error(`waiting for ${what}: /healthz ${health instanceof Error ? `failed: ${health.message}` : (health as Response).status}; last status ${JSON.stringify(await status().catch(() => undefined))?.slice(0, 1500)}`);
        }
        const last = health instanceof Error ? undefined : await status();
        if (last && wanted(last)) return last;
        await sleep(150);
      }
    };
    const ours = async () => {
      const list = await ns.kubeConfig.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns.name, labelSelector: `typed-gitops.dev/env=${env}` });
      return Object.fromEntries(list.items.map((c) => [c.metadata!.name!, c.data?.value]));
    };
    const statusObject = async () => (await ns.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name })).data ?? {};

    await until('the good revision', (r) => r.ok && r.revision === good, 90_000);
    expect(await ours()).toEqual({ 'good-1': 'good-1' });
    await sleep(1500); // a few no-op cycles: the steady state
    const steady = memoryOf(pid).currentMB;

    const hostile: { name: string; files: Record<string, string | Uint8Array | null>; stage?: Parameters<typeof remote.commit>[2]; rule: string; path: string; limit: number /* MB */ }[] = [
      { name: 'submodule entry (gitlink)', files: {}, stage: (git) => stageGitlink(git, `${env}/app/sub`), rule: 'a submodule (gitlink)', path: `${env}/app/sub`, limit: 0 },
      { name: '200 MB file', files: {}, stage: (git) => stageLargeBlob(git, file('big'), 200 * MiB), rule: 'is 200 MiB, over the limit of 3 MiB per file', path: file('big'), limit: FILE_LIMIT_MB },
      { name: 'TAB in a file name', files: { [`${file('x')}\tx`]: cm('hidden'), [file('x')]: cm('x') }, rule: 'not an object file', path: `${file('x')}\\tx`, limit: 0 },
      { name: 'bytes that are not UTF-8', files: { [`${file('x')}\tx`]: null, [file('x')]: null, [file('latin1')]: Buffer.from(cm('latin1', 'caf\xe9'), 'latin1') }, rule: 'the file is not valid UTF-8 text', path: file('latin1'), limit: 0 },
      { name: 'over the revision size', files: { [file('latin1')]: null, [file('pad-a')]: cm('pad-a', 'a'.repeat(600 * 1024)), [file('pad-b')]: cm('pad-b', 'b'.repeat(600 * 1024)) }, rule: 'over the limit of 1 MiB per revision', path: file('pad-a'), limit: REVISION_LIMIT_MB },
    ];
    const outcomes: Record<string, string | number>[] = [];
    for (const h of hostile) {
      const started = Date.now();
      const commit = remote.commit({ ...h.files, [file(`new-${outcomes.length}`)]: cm(`new-${outcomes.length}`) }, undefined, h.stage);
      await request('/hooks/git', { method: 'POST' });
      const refused = await until(`the refusal of the ${h.name}`, (r) => !r.ok && (r.errors[0] ?? '').includes(commit));
      expect(refused.errors[0]).toContain(h.rule);
      expect(refused.errors[0]).toContain(h.path);
      expect(refused.revision).toBe(good); // the cluster stays as last applied
      const stored = await statusObject();
      expect(stored.ok).toBe('false');
      expect(stored['result.json']).toContain(h.rule);
      expect(stored['result.json']).toContain(commit);
      await sleep(1200); // more cycles on the refused head: it is not read again and nothing is applied
      expect(await ours()).toEqual({ 'good-1': 'good-1' });
      const { peakMB, currentMB } = memoryOf(pid);
      expect(peakMB).toBeLessThanOrEqual(2 * steady + h.limit);
      outcomes.push({ input: h.name, outcome: 'refused', peakMB: +peakMB.toFixed(1), rssMB: +currentMB.toFixed(1), steadyMB: +steady.toFixed(1), refusedInMs: Date.now() - started - 1200 });
    }

    const next = remote.commit({ [file('pad-a')]: null, [file('pad-b')]: null, [file('good-2')]: cm('good-2') });
    await request('/hooks/git', { method: 'POST' });
    await until('the next good revision', (r) => r.ok && r.revision === next);
    expect(await ours()).toEqual({ 'good-1': 'good-1', 'good-2': 'good-2', ...Object.fromEntries(hostile.map((_, i) => [`new-${i}`, `new-${i}`])) });
    console.log(`hostile revisions (agent peak RSS, VmHWM):\n${outcomes.map((o) => JSON.stringify(o)).join('\n')}`);
  }, 110_000);
});
