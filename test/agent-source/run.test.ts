// The agent's loop with a fake reconciler: interval and webhook triggers, one reconcile at a time,
// backoff while the source fails and recovery to the newest head, and a stop that waits.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GitError, UserInputError } from '../../core/errors.ts';
import { gatedReconciler } from '../../agent/revision-gate.ts';
import { reconcileOnce, startAgent, type Agent, type LoopReconciler } from '../../agent/run.ts';
import { openSource, type Source } from '../../agent/source.ts';
import type { ReconcileResult, Revision } from '../../agent/types.ts';
import { cleanUp, memoryLogger, sleep, until, renderedRemote, startDaemon, tempDir } from './fixtures.ts';

afterAll(cleanUp);
let agent: Agent | undefined;
afterEach(async () => { await agent?.stop(); agent = undefined; });


/** A source whose head and failures the test sets. */
function fakeSource() {
  const state = { head: 'c1', failing: false, updates: [] as number[], reads: 0, refuse: new Set<string>() };
  const source: Source = {
    remote: 'fake://remote', branch: 'rendered', dir: '/nonexistent',
    remoteHead: async () => state.head,
    async update() {
      state.updates.push(Date.now());
      if (state.failing) throw new GitError(`looking for new commits of 'fake://remote': unreachable`);
      return { commit: state.head, fetched: false };
    },
    async revisionAt(commit, env) {
      state.reads++;
      if (state.refuse.has(commit)) throw new UserInputError('"dev/big.yaml" is 200 MiB, over the limit of 3 MiB per file', { env, commit, file: 'dev/big.yaml' });
      return { commit, env, files: new Map() };
    },
  };
  return { source, state };
}

/** A reconciler that records what it was asked, can be held mid-reconcile, and counts overlaps. */
function fakeReconciler() {
  const state = { revisions: [] as string[], seen: [] as Revision[], sourceErrors: 0, reported: [] as unknown[], active: 0, maxActive: 0, hold: undefined as Promise<void> | undefined };
  const reconciler: LoopReconciler = {
    async reconcile(revision: Revision): Promise<ReconcileResult> {
      state.revisions.push(revision.commit);
      state.seen.push(revision);
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      await state.hold;
      state.active--;
      return { env: revision.env, revision: revision.commit, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [], ok: true };
    },
    async reportSourceError(error) { state.sourceErrors++; state.reported.push(error); },
  };
  return { reconciler, state };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('agent loop', () => {
  it('reconciles every interval even when the head did not move, reading the revision once', async () => {
    const { source, state: src } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 20, log: memoryLogger().log });
    await until(() => state.revisions.length >= 4, 'four reconciles');
    expect(new Set(state.revisions)).toEqual(new Set(['c1']));
    expect(src.reads).toBe(1);

    src.head = 'c2';
    await until(() => state.revisions.at(-1) === 'c2', 'the new head');
    expect(src.reads).toBe(2);
    expect(agent.lastResult()).toMatchObject({ ok: true });
  });

  it('reconciles at once on a webhook trigger', async () => {
    const { source } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 3_600_000, log: memoryLogger().log, webhook: { listen: '127.0.0.1:0', secret: 'k' } });
    await until(() => state.revisions.length === 1 && agent?.lastResult() !== undefined, 'the first reconcile');
    expect((await fetch(`${agent.webhookUrl}/hooks/git`, { method: 'POST', headers: { 'X-Gitops-Secret': 'k' } })).status).toBe(202);
    await until(() => state.revisions.length === 2, 'the triggered reconcile', 1000);
    const status = await fetch(`${agent.webhookUrl}/status`);
    expect(await status.json()).toMatchObject({ env: 'dev', revision: 'c1', ok: true });
  });

  it('never runs two reconciles at once: triggers during one schedule exactly one more', async () => {
    const { source } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    const held = gate();
    state.hold = held.promise;
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 3_600_000, log: memoryLogger().log });
    await until(() => state.active === 1, 'a running reconcile');
    for (let i = 0; i < 5; i++) agent.trigger();
    await sleep(30);
    expect(state.revisions).toHaveLength(1);
    state.hold = undefined;
    held.open();
    await until(() => state.revisions.length === 2, 'the one extra reconcile');
    await sleep(50);
    expect(state.revisions).toHaveLength(2);
    expect(state.maxActive).toBe(1);
  });

  it('backs off while the source fails, reports each failure, and applies the newest head when it is back', async () => {
    const { source, state: src } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    const { log, lines } = memoryLogger();
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 20, maxBackoff: 80, log });
    await until(() => state.revisions.length === 1, 'the first reconcile');
    src.failing = true;
    const failedFrom = src.updates.length;
    await until(() => src.updates.length >= failedFrom + 6, 'six failed attempts');
    const gaps = src.updates.slice(failedFrom).map((t, i, all) => (i === 0 ? 0 : t - all[i - 1])).slice(1);
    // 20, 40, 80, 80, 80 ms between attempts (timers may be late, never early; the log says the plan).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(gaps[3]).toBeGreaterThanOrEqual(79);
    const retries = () => lines().filter((l) => l.msg === 'cannot read the source; the cluster stays as last applied').map((l) => l.retryInMs);
    expect(retries().slice(0, 5)).toEqual([20, 40, 80, 80, 80]);
    expect(state.sourceErrors).toBeGreaterThanOrEqual(6);
    expect(state.revisions).toEqual(['c1']); // nothing applied while git is away
    expect(agent.lastResult()).toMatchObject({ ok: false, revision: 'c1' });
    expect(agent.lastResult()?.errors[0]).toMatch(/^source: .*unreachable/);

    src.head = 'c3';
    src.failing = false;
    await until(() => state.revisions.at(-1) === 'c3', 'the newest head');
    expect(agent.lastResult()).toMatchObject({ ok: true, revision: 'c3' });
    // A success resets the backoff: the next failure retries after one interval again.
    const failedBefore = retries().length;
    src.failing = true;
    await until(() => retries().length > failedBefore, 'a new failure');
    expect(retries()[failedBefore]).toBe(20);
  });

  it('remembers a refused head: no backoff, not read again while it stays, reported each cycle; the next head at once', async () => {
    const { source, state: src } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    const { log, lines } = memoryLogger();
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 20, maxBackoff: 1000, log });
    await until(() => state.revisions.length === 1, 'the first reconcile');
    src.refuse.add('bad');
    src.head = 'bad';
    const from = src.updates.length;
    await until(() => src.updates.length >= from + 6, 'six cycles on the refused head');
    const gaps = src.updates.slice(from).map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!)).slice(1);
    expect(Math.max(...gaps)).toBeLessThan(200); // the interval, not a doubling backoff (20, 40, 80, 160, 320 ms)
    expect(src.reads).toBe(2); // c1, then bad once
    expect(state.revisions).toEqual(['c1']); // the cluster stays as last applied
    expect(state.reported.length).toBeGreaterThanOrEqual(5);
    expect(state.reported.every((e) => e instanceof UserInputError)).toBe(true);
    expect(agent.lastResult()).toMatchObject({ ok: false, revision: 'c1' });
    expect(agent.lastResult()?.errors[0]).toBe('source: env dev, dev/big.yaml, commit bad: "dev/big.yaml" is 200 MiB, over the limit of 3 MiB per file; the cluster stays as last applied');
    expect(lines().some((l) => l.msg === 'refused the revision; the cluster stays as last applied' && l.commit === 'bad')).toBe(true);

    src.head = 'c3';
    const moved = Date.now();
    await until(() => state.revisions.at(-1) === 'c3', 'the next head');
    expect(Date.now() - moved).toBeLessThan(500);
    expect(agent.lastResult()).toMatchObject({ ok: true, revision: 'c3' });
  });

  it('passes the gate\'s notices on the revision, and refuses a head the gate refuses until the branch moves', async () => {
    const { source, state: src } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    const gated: string[] = [];
    const gate = async (commit: string) => {
      gated.push(commit);
      if (commit === 'old') throw new UserInputError('commit old does not descend from c1', { commit });
      return commit === 'c1' ? ['a notice about c1'] : [];
    };
    agent = await startAgent({ source, env: 'dev', reconciler, gate, interval: 20, log: memoryLogger().log });
    await until(() => state.seen.length >= 3, 'three reconciles');
    expect(state.seen.map((r) => r.notices)).toEqual([['a notice about c1'], ['a notice about c1'], ['a notice about c1']]);
    expect(gated).toEqual(['c1']); // once per head

    src.head = 'old';
    await until(() => state.reported.length >= 3, 'the refusal, reported every cycle');
    expect(gated).toEqual(['c1', 'old']); // not asked again while the head stays
    expect(state.revisions).not.toContain('old');
    expect(agent.lastResult()?.errors[0]).toBe('source: commit old: commit old does not descend from c1; the cluster stays as last applied');

    src.head = 'c2';
    await until(() => state.revisions.at(-1) === 'c2', 'the next head');
    expect(state.seen.at(-1)?.notices).toBeUndefined();

    // --once: the gate goes around the reconciler (to run as the Lease holder); a refusal is reported, then thrown.
    const once = fakeReconciler();
    await reconcileOnce({ source, env: 'dev', reconciler: gatedReconciler(once.reconciler, async () => ['once']) });
    expect(once.state.seen[0]?.notices).toEqual(['once']);
    src.head = 'old';
    await expect(reconcileOnce({ source, env: 'dev', reconciler: gatedReconciler(once.reconciler, gate) })).rejects.toThrow(/does not descend/);
    expect(once.state.sourceErrors).toBe(1);
    expect(once.state.revisions).toEqual(['c2']);
  });

  it('stop() waits for the running reconcile, then starts nothing more', async () => {
    const { source } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    const held = gate();
    state.hold = held.promise;
    const running = await startAgent({ source, env: 'dev', reconciler, interval: 10, log: memoryLogger().log, webhook: { listen: '127.0.0.1:0' } });
    await until(() => state.active === 1, 'a running reconcile');
    let stopped = false;
    const stopping = running.stop().then(() => { stopped = true; });
    running.trigger();
    await sleep(40);
    expect(stopped).toBe(false);
    await expect(fetch(`${running.webhookUrl}/healthz`)).rejects.toThrow(); // the webhook is closed at once
    const again = running.stop(); // a second stop waits for the same end
    held.open();
    await Promise.all([stopping, again]);
    expect(state.active).toBe(0);
    await sleep(40);
    expect(state.revisions).toHaveLength(1);
  });

  it('stop() gives up on a reconcile that outlives its timeout', async () => {
    const { source } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    state.hold = new Promise(() => {}); // never finishes
    const { log, lines } = memoryLogger();
    const running = await startAgent({ source, env: 'dev', reconciler, interval: 10, stopTimeout: 50, log });
    await until(() => state.active === 1, 'a running reconcile');
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines().some((l) => l.level === 'warn' && String(l.msg).startsWith('stopping with a reconcile still running'))).toBe(true);
  });

  it('reconcileOnce reports a source error and throws it; otherwise returns the result', async () => {
    const { source, state: src } = fakeSource();
    const { reconciler, state } = fakeReconciler();
    expect(await reconcileOnce({ source, env: 'dev', reconciler })).toMatchObject({ ok: true, revision: 'c1' });
    src.failing = true;
    await expect(reconcileOnce({ source, env: 'dev', reconciler })).rejects.toThrow(GitError);
    expect(state.sourceErrors).toBe(1);
  });
});

describe('agent loop over git daemon', () => {
  it('keeps the last revision while the daemon is down, and applies the newest head when it is back', async () => {
    const remote = renderedRemote();
    const first = remote.commit({ 'dev/a.yaml': 'a: 1\n' }, 'd'.repeat(40));
    const daemon = await startDaemon(remote.baseDir);
    const source = openSource({ url: daemon.url('remote.git'), branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    const seen: Revision[] = [];
    let sourceErrors = 0;
    const reconciler: LoopReconciler = {
      async reconcile(revision) {
        seen.push(revision);
        return { env: 'dev', revision: revision.commit, sourceCommit: revision.sourceCommit, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [], ok: true };
      },
      async reportSourceError() { sourceErrors++; },
    };
    agent = await startAgent({ source, env: 'dev', reconciler, interval: 50, maxBackoff: 200, log: memoryLogger().log });
    await until(() => seen.length >= 1, 'the first reconcile');
    expect(seen[0]).toMatchObject({ commit: first, sourceCommit: 'd'.repeat(40), files: new Map([['a.yaml', 'a: 1\n']]) });

    await daemon.stop();
    remote.commit({ 'dev/a.yaml': 'a: 2\n' });
    const newest = remote.commit({ 'dev/a.yaml': 'a: 3\n' });
    await until(() => sourceErrors >= 2, 'two reported source errors');
    expect(new Set(seen.map((r) => r.commit))).toEqual(new Set([first]));

    await daemon.restart();
    await until(() => seen.at(-1)?.commit === newest, 'the newest head', 10_000);
    expect(seen.at(-1)?.files.get('a.yaml')).toBe('a: 3\n');
  });
});
