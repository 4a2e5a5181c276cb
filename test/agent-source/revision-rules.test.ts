// What a revision may hold, read by the agent's source from a real remote: regular object files only, within
// the limits (checked from the listing, before any content is read), UTF-8, and names read exactly. A refused
// revision is a UserInputError naming the commit, the file and the rule; a remote that never answers times out.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitError, UserInputError } from '../../core/errors.ts';
import { DEFAULT_LIMITS, type RevisionLimits } from '../../core/limits.ts';
import { openSource } from '../../agent/source.ts';
import { cleanUp, renderedRemote, stageGitlink, stageLargeBlob, tempDir } from './fixtures.ts';

afterAll(cleanUp);

const GOOD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n';

/** The source's answer for a revision of `files` (and what `stage` adds): its files, or the refusal. */
async function read(files: Record<string, string | Uint8Array>, options: { stage?: Parameters<ReturnType<typeof renderedRemote>['commit']>[2]; limits?: Partial<RevisionLimits> } = {}) {
  const remote = renderedRemote();
  const commit = remote.commit(files, undefined, options.stage);
  const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache'), limits: { ...DEFAULT_LIMITS, ...options.limits } });
  await source.update();
  const revision = await source.revisionAt(commit, 'dev').catch((e: unknown) => e);
  return { commit, revision };
}

/** Command lines of the processes that mention `text`. */
function processesWith(text: string): string[] {
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      return cmdline.includes(text) ? [cmdline] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

function refusal(revision: unknown): UserInputError {
  expect(revision).toBeInstanceOf(UserInputError);
  return revision as UserInputError;
}

describe('reading a revision', () => {
  it('reads .yaml, .yml and .json files of <env>/ exactly (an older compiler\'s <env>/manifest.json too), never <env>.manifest.json', async () => {
    const { revision } = await read({ 'dev/a/default/ConfigMap-a.yaml': GOOD, 'dev/b.yml': 'b: 1\n', 'dev/c/o.json': '{}\n', 'dev/manifest.json': '{"objects":[]}\n', 'dev.manifest.json': '{"objects":[]}\n', 'dev/x.yaml': 'seen\n', 'dev/x.yaml\tx.yaml': 'hidden\n' });
    expect(Object.fromEntries((revision as { files: Map<string, string> }).files)).toEqual({ 'a/default/ConfigMap-a.yaml': GOOD, 'b.yml': 'b: 1\n', 'c/o.json': '{}\n', 'manifest.json': '{"objects":[]}\n', 'x.yaml': 'seen\n', 'x.yaml\tx.yaml': 'hidden\n' });
  });

  it('reads the health rules beside <env>/ (<env>.health-rules.json), not another environment\'s, and counts them in the limits', async () => {
    const rules = '{"rules":[]}\n';
    const { revision } = await read({ 'dev/a.yaml': GOOD, 'dev.health-rules.json': rules, 'prod.health-rules.json': '{"x":1}\n' });
    expect((revision as { healthRules?: string }).healthRules).toBe(rules);
    expect((await read({ 'dev/a.yaml': GOOD, 'prod.health-rules.json': rules })).revision).not.toHaveProperty('healthRules');
    const over = await read({ 'dev/a.yaml': GOOD, 'dev.health-rules.json': 'x'.repeat(2048) }, { limits: { fileBytes: 1024 } });
    expect(refusal(over.revision).message).toMatch(/^"dev\.health-rules\.json" is 2 KiB, over the limit/);
  });

  it('refuses a submodule entry and a file that is not an object file, naming the path and commit', async () => {
    const gitlink = await read({ 'dev/a.yaml': GOOD }, { stage: (git) => stageGitlink(git, 'dev/app/sub') });
    expect(refusal(gitlink.revision).message).toMatch(/^"dev\/app\/sub": a submodule \(gitlink\)/);
    expect(refusal(gitlink.revision).subject).toMatchObject({ env: 'dev', commit: gitlink.commit });
    const other = await read({ 'dev/x.yaml': GOOD, 'dev/x.yaml\tx': 'hidden\n' });
    expect(refusal(other.revision).message).toMatch(/^"dev\/x.yaml\\tx": not an object file/);
    expect(refusal(other.revision).subject).toMatchObject({ env: 'dev', commit: other.commit, file: 'dev/x.yaml\tx' });
  });

  it('refuses a 200 MB file from the listing, without reading it', { timeout: 120_000 }, async () => {
    const before = process.memoryUsage().rss;
    const { commit, revision } = await read({ 'dev/a.yaml': GOOD }, { stage: (git) => stageLargeBlob(git, 'dev/big/default/ConfigMap-big.yaml', 200 * 1024 * 1024) });
    const error = refusal(revision);
    expect(error.message).toBe('"dev/big/default/ConfigMap-big.yaml" is 200 MiB, over the limit of 3 MiB per file; the revision is refused and nothing of it is applied');
    expect(error.subject).toMatchObject({ env: 'dev', commit, file: 'dev/big/default/ConfigMap-big.yaml', hint: expect.stringContaining('--max-file-size or agent.limits.fileSize') });
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024); // reading it would take 200 MB at least
  });

  it('refuses a revision over the revision size and over the object count', async () => {
    const size = await read({ 'dev/a.yaml': 'a'.repeat(600), 'dev/b.yaml': 'b'.repeat(500) }, { limits: { revisionBytes: 1000 } });
    expect(refusal(size.revision).message).toBe('the files of dev/ are 1.1 KiB together, over the limit of 1000 B per revision (largest: "dev/a.yaml" (600 B), "dev/b.yaml" (500 B)); the revision is refused and nothing of it is applied');
    expect(refusal(size.revision).subject.hint).toContain('--max-revision-size');
    const count = await read({ 'dev/a.yaml': GOOD, 'dev/b.yaml': GOOD, 'dev/c.yaml': GOOD, 'dev/d.yaml': GOOD }, { limits: { objects: 2 } });
    expect(refusal(count.revision).message).toMatch(/^dev\/ holds more than 2 files/);
    const within = await read({ 'dev/a.yaml': GOOD, 'dev/b.yaml': GOOD, 'dev.manifest.json': '{}\n' }, { limits: { objects: 2 } });
    expect((within.revision as { files: Map<string, string> }).files.size).toBe(2);
  });

  it('refuses bytes that are not UTF-8, naming the file', async () => {
    const { commit, revision } = await read({ 'dev/a.yaml': GOOD, 'dev/latin1.yaml': Buffer.from('data:\n  a: "caf\xe9"\n', 'latin1') });
    expect(refusal(revision).message).toBe('"dev/latin1.yaml": the file is not valid UTF-8 text');
    expect(refusal(revision).subject).toMatchObject({ env: 'dev', commit });
  });
});

describe('a remote that accepts and never answers', () => {
  it('times out, git and its helper killed, within the git timeout', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket)); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const source = openSource({ url: `http://127.0.0.1:${port}/remote.git`, branch: 'rendered', cacheDir: join(tempDir(), 'cache'), gitTimeout: 1000 });
      const started = Date.now();
      const error = await source.update().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).message).toContain('was stopped after 1000 ms');
      expect(Date.now() - started).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 200));
      expect(processesWith(`127.0.0.1:${port}`)).toEqual([]); // git-remote-http went with git
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  }, 30_000);
});
