// The webhook in front of the agent's loop, with a real git remote: signed calls, however many,
// make a bounded number of fetches, none while git is failing (only the backoff retries), and
// /status names the remote only to who presents the secret.
import { createHmac } from 'node:crypto';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent, type AgentOptions, type LoopReconciler } from '../../agent/run.ts';
import { openSource, type Source } from '../../agent/source.ts';
import { cleanUp, memoryLogger, sleep, until, renderedRemote, tempDir } from './fixtures.ts';

afterAll(cleanUp);
let agent: Agent | undefined;
afterEach(async () => { await agent?.stop(); agent = undefined; });

const SECRET = 'hook-secret';

/** An agent following a real remote, counting the source's updates (each an ls-remote, maybe a fetch) and the reconciles. */
async function agentOn(remotePath: string, options: Partial<AgentOptions> = {}) {
  const real = openSource({ url: remotePath, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
  const counts = { updates: 0, reconciled: [] as string[] };
  const source: Source = { ...real, update: () => { counts.updates++; return real.update(); } };
  const reconciler: LoopReconciler = {
    async reconcile(revision) {
      counts.reconciled.push(revision.commit);
      return { env: 'dev', revision: revision.commit, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [], ok: true };
    },
    async reportSourceError() {},
  };
  agent = await startAgent({ source, env: 'dev', reconciler, interval: 3_600_000, log: memoryLogger().log, webhook: { listen: '127.0.0.1:0', secret: SECRET }, ...options });
  const url = agent.webhookUrl!;
  const body = JSON.stringify({ ref: 'refs/heads/rendered' });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const push = async () => {
    const res = await fetch(`${url}/hooks/git`, { method: 'POST', headers: { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': signature }, body });
    expect(res.status).toBe(202);
    return ((await res.json()) as { check: string }).check;
  };
  const status = (headers: Record<string, string> = {}) => fetch(`${url}/status`, { headers }).then((r) => r.text());
  return { counts, push, status };
}

describe('webhook in front of the agent', () => {
  it('a stream of signed calls makes at most one check a second, and the newest head is applied', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const { counts, push } = await agentOn(remote.path);
    await until(() => counts.reconciled.length === 1, 'the first reconcile');
    const head = remote.commit({ 'dev/a.yaml': 'a: 2\n' });

    const startedAt = Date.now();
    const answers = new Set<string>();
    for (let i = 0; i < 100; i++) {
      answers.add(await push());
      await sleep(15);
    }
    await sleep(1100); // the last queued one runs at the end of its second
    const seconds = Math.ceil((Date.now() - startedAt) / 1000);
    expect(counts.updates - 1).toBeGreaterThanOrEqual(1);
    expect(counts.updates - 1).toBeLessThanOrEqual(seconds + 1);
    expect(answers).toEqual(new Set(['started', 'queued']));
    expect(counts.reconciled.at(-1)).toBe(head);
  });

  it('while git fails, calls start no fetch: only the backoff retries; /status names the remote only with the secret', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    // No gate in front: this is about the loop's own rule.
    const { counts, push, status } = await agentOn(remote.path, { interval: 2000, maxBackoff: 10_000, webhook: { listen: '127.0.0.1:0', secret: SECRET, triggerIntervalMs: 0 } });
    await until(() => counts.reconciled.length === 1, 'the first reconcile');
    renameSync(remote.path, `${remote.path}.away`);
    expect(await push()).toBe('started');
    await until(() => agent!.lastResult()?.ok === false, 'the failing fetch');
    const failedAt = counts.updates;

    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) {
      answers.add(await push());
      await sleep(10);
    }
    expect(counts.updates).toBe(failedAt);
    expect(answers).toEqual(new Set(['backoff']));

    expect(await status()).not.toContain(remote.path);
    expect(await status({ Authorization: `Bearer ${SECRET}` })).toContain(remote.path);

    renameSync(`${remote.path}.away`, remote.path);
    const head = remote.commit({ 'dev/a.yaml': 'a: 2\n' });
    await until(() => counts.reconciled.at(-1) === head, 'the backoff retry applying the newest head', 5000);
    expect(counts.updates).toBe(failedAt + 1);
  });
});
