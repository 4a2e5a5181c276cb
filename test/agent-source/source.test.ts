// The agent's source against real git: a bare repo by path, git daemon, http with credentials, ssh.
import { chmodSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { GitError } from '../../core/errors.ts';
import { openSource } from '../../agent/source.ts';
import { cleanUp as cleanUpHttp, startHttpGit } from '../publish/fixtures.ts';
import { cleanUp, git, renderedRemote, startDaemon, tempDir } from './fixtures.ts';
import { freePort } from '../controlplane/ports.ts';

afterAll(() => { cleanUp(); cleanUpHttp(); });
afterEach(() => { vi.unstubAllEnvs(); });

const DEV_WEB = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: demo\n';

describe('source over a bare repo by path', () => {
  it('fetches the first head, then only when the head moves, and reads the YAML files of <env>/ with the trailer', async () => {
    const remote = renderedRemote();
    const first = remote.commit({ 'dev/web/demo/ConfigMap-web.yaml': DEV_WEB, 'dev.manifest.json': '{}\n', 'prod/web/demo/ConfigMap-web.yaml': 'x: 1\n', 'README.md': 'rendered\n' }, 'a'.repeat(40));
    const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });

    expect(await source.update()).toEqual({ commit: first, fetched: true });
    expect(await source.update()).toEqual({ commit: first, fetched: false });

    const revision = await source.revisionAt(first, 'dev');
    expect(revision).toEqual({ commit: first, env: 'dev', sourceCommit: 'a'.repeat(40), subject: 'render 1', files: new Map([['web/demo/ConfigMap-web.yaml', DEV_WEB]]) });

    const second = remote.commit({ 'dev/web/demo/ConfigMap-web.yaml': null, 'dev/api/demo/ConfigMap-api.yaml': DEV_WEB.replace('web', 'api') });
    expect(await source.remoteHead()).toBe(second);
    expect(await source.update()).toEqual({ commit: second, fetched: true });
    const next = await source.revisionAt(second, 'dev');
    expect([...next.files.keys()]).toEqual(['api/demo/ConfigMap-api.yaml']);
    expect(next.sourceCommit).toBeUndefined(); // no trailer on that commit
    expect((await source.revisionAt(second, 'staging')).files.size).toBe(0);
  });

  it('keeps only the followed branch: no other refs, no objects of other branches', async () => {
    const remote = renderedRemote();
    const mainCommit = remote.commitMain();
    const rendered = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    // ls-remote matches by suffix and lists this one first: it must not be taken for the branch.
    git(remote.path, 'update-ref', 'refs/heads/a/refs/heads/rendered', mainCommit);
    const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    expect(await source.update()).toEqual({ commit: rendered, fetched: true });
    expect(await source.update()).toEqual({ commit: rendered, fetched: false });

    expect(git(source.dir, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/rendered');
    expect(git(source.dir, 'rev-parse', 'refs/heads/rendered')).toBe(rendered);
    expect(() => git(source.dir, 'cat-file', '-e', mainCommit)).toThrow();
    expect(git(source.dir, 'config', '--list')).not.toContain(remote.path); // the URL is not stored
  });

  it('follows a force-pushed (rolled back) head and tells whether a head descends from an earlier one', async () => {
    const remote = renderedRemote();
    const first = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    const second = remote.commit({ 'dev/a.yaml': 'a: 2\n' });
    expect(await source.update()).toEqual({ commit: second, fetched: true });
    git(remote.path, 'update-ref', 'refs/heads/rendered', first);
    expect(await source.update()).toEqual({ commit: first, fetched: true });
    expect(await source.descends(first, second)).toBe(false);
    expect(await source.descends(second, first)).toBe(true);
    expect(await source.descends(first, first)).toBe(true);
    const third = remote.commit({ 'dev/a.yaml': 'a: 3\n' });
    expect(await source.update()).toEqual({ commit: third, fetched: true });
    expect(await source.descends(third, first)).toBe(true);
    // A commit the clone never saw (e.g. applied from a clone that was lost) is no ancestor; nor is text that is no commit id.
    expect(await source.descends(third, 'f'.repeat(40))).toBe(false);
    expect(await source.descends(third, '--all')).toBe(false);
  });

  it('accepts a path relative to the current folder', async () => {
    const remote = renderedRemote();
    const head = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const source = openSource({ url: relative(process.cwd(), remote.path), branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    expect((await source.update()).commit).toBe(head);
  });

  it('keeps its clone under $XDG_CACHE_HOME by URL and branch, the same for any credentials', () => {
    vi.stubEnv('XDG_CACHE_HOME', '/tmp/xdg-test');
    const a = openSource({ url: 'https://user:one@git.example.com/r.git', branch: 'rendered' });
    const b = openSource({ url: 'https://user:two@git.example.com/r.git', branch: 'rendered' });
    const c = openSource({ url: 'https://git.example.com/r.git', branch: 'other' });
    expect(a.dir).toMatch(/^\/tmp\/xdg-test\/typed-gitops\/agent\/[0-9a-f]{16}$/);
    expect(b.dir).toBe(a.dir);
    expect(c.dir).not.toBe(a.dir);
    expect(a.remote).toBe('https://***@git.example.com/r.git');
  });

  it('reports a missing branch and a missing repo as GitError naming the remote', async () => {
    const remote = renderedRemote();
    remote.commitMain();
    const noBranch = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    await expect(noBranch.update()).rejects.toThrow(GitError);
    await expect(noBranch.update()).rejects.toThrow(`remote '${remote.path}' has no branch 'rendered'`);

    const missing = join(tempDir(), 'nothing-here.git');
    const noRepo = openSource({ url: missing, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    const error = await noRepo.update().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain(missing);
    expect((error as GitError).subject.hint).toMatch(/credentials/);
  });

  it('names an unknown commit as GitError with the commit and env', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    await source.update();
    const error = await source.revisionAt('f'.repeat(40), 'dev').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).subject).toMatchObject({ commit: 'f'.repeat(40), env: 'dev' });
  });
});

describe('source over git daemon', () => {
  it('detects new commits and fetches them over git://', async () => {
    const remote = renderedRemote();
    const first = remote.commit({ 'dev/web/demo/ConfigMap-web.yaml': DEV_WEB }, 'b'.repeat(40));
    remote.commitMain();
    const daemon = await startDaemon(remote.baseDir);
    const source = openSource({ url: daemon.url('remote.git'), branch: 'rendered', cacheDir: join(tempDir(), 'cache') });

    expect(await source.update()).toEqual({ commit: first, fetched: true });
    expect((await source.revisionAt(first, 'dev')).sourceCommit).toBe('b'.repeat(40));
    const second = remote.commit({ 'dev/extra/demo/ConfigMap-extra.yaml': DEV_WEB.replace('web', 'extra') });
    expect(await source.update()).toEqual({ commit: second, fetched: true });
    expect([...(await source.revisionAt(second, 'dev')).files.keys()].sort()).toEqual(['extra/demo/ConfigMap-extra.yaml', 'web/demo/ConfigMap-web.yaml']);
    expect(git(source.dir, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/rendered');

    await daemon.stop();
    const error = await source.update().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain(daemon.url('remote.git'));
    // What was fetched stays readable while the remote is away.
    expect((await source.revisionAt(second, 'dev')).files.size).toBe(2);
  });

  it('never shows the credentials of an unreachable remote', async () => {
    const port = await freePort(); // nothing listens there
    const source = openSource({ url: `http://agent:s3cr3t-token@127.0.0.1:${port}/remote.git`, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    const error = await source.update().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    const text = `${(error as GitError).message}\n${(error as GitError).subject.hint}\n${String((error as GitError).cause ?? '')}`;
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain(`http://***@127.0.0.1:${port}/remote.git`);
  });

  it('fetches over http with credentials in the URL, and fails fast and redacted without or with wrong ones', async () => {
    const remote = renderedRemote();
    const head = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const http = await startHttpGit(remote.baseDir, 'agent', 'right-token');
    const withToken = http.url('remote.git').replace('http://', 'http://agent:right-token@');
    const source = openSource({ url: withToken, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    expect(await source.update()).toEqual({ commit: head, fetched: true });
    expect(git(source.dir, 'config', '--list')).not.toContain('right-token');

    for (const url of [http.url('remote.git'), withToken.replace('right-token', 'wrong-token')]) {
      const failing = openSource({ url, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
      const error = await failing.update().catch((e: unknown) => e); // no prompt: it must not hang
      expect(error).toBeInstanceOf(GitError);
      expect((error as GitError).message).not.toMatch(/token/);
      expect((error as GitError).message).toContain(failing.remote);
    }
  });

  it("fetches over ssh:// through git's ssh command from the environment (GIT_SSH_COMMAND)", async () => {
    // A stand-in for ssh that runs the remote git command on this machine: what sshd would do.
    const fakeSsh = join(tempDir(), 'ssh');
    writeFileSync(fakeSsh, '#!/bin/sh\nfor last; do :; done\nexec sh -c "$last"\n');
    chmodSync(fakeSsh, 0o755);
    vi.stubEnv('GIT_SSH_COMMAND', fakeSsh);
    vi.stubEnv('GIT_SSH_VARIANT', 'simple');
    const remote = renderedRemote();
    const head = remote.commit({ 'dev/a.yaml': 'a: 1\n' }, 'e'.repeat(40));
    const source = openSource({ url: `ssh://deploy@git.example.invalid${remote.path}`, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
    expect(await source.update()).toEqual({ commit: head, fetched: true });
    expect((await source.revisionAt(head, 'dev')).sourceCommit).toBe('e'.repeat(40));
  });
});
