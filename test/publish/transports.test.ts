// Publishing over HTTP (credentials from the remote URL or from git's config) and SSH (git's ssh
// command); credentials never show in results, progress lines, errors or any process's command line.
// git:// is in race.test.ts.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GitError } from '../../core/errors.ts';
import { history } from '../../compiler/publish-history.ts';
import { publish } from '../../compiler/publish.ts';
import { redactCredentials } from '../../core/git-credentials.ts';
import { addCommandLines } from '../helpers/command-lines.ts';
import { cleanUp, configMapApp, createBareRemote, createProject, git, startHttpGit } from './fixtures.ts';

afterAll(cleanUp);
afterEach(() => vi.unstubAllEnvs());

const SECRET = 's3cret-t0ken';

describe('HTTP remotes and credentials', async () => {
  const remote = createBareRemote();
  const http = await startHttpGit(dirname(remote), 'ci', SECRET);
  const plainUrl = http.url('rendered.git');
  const urlWith = (password: string) => plainUrl.replace('http://', `http://ci:${password}@`);

  it('publishes over HTTP with the credentials in the remote URL, and shows the URL without them', async () => {
    const project = createProject({ alpha: configMapApp('alpha', 'one') });
    const lines: string[] = [];
    const commandLines = new Set<string>();
    const sampler = setInterval(() => addCommandLines(commandLines), 2);
    const result = await publish({ root: project.dir, remote: urlWith(SECRET), typecheck: false, onProgress: (m) => lines.push(m), onWarning: (m) => lines.push(m) })
      .finally(() => clearInterval(sampler));
    expect(result.outcome).toBe('published');
    expect([...commandLines].filter((c) => c.includes('git ')).length).toBeGreaterThan(0); // the sampler saw git run
    expect([...commandLines].filter((c) => c.includes(SECRET))).toEqual([]);
    expect(git(remote, 'rev-parse', 'rendered')).toBe(result.head);
    expect(JSON.stringify({ ...result, changes: [...result.changes] }) + lines.join('\n')).not.toContain(SECRET);
    expect(result.remote).toBe(`http://***@${plainUrl.slice('http://'.length)}`);
    expect((await history({ root: project.dir, remote: urlWith(SECRET) }))[0].sha).toBe(result.head);
  });

  it("publishes with credentials from git's config (http.extraHeader, as actions/checkout sets it)", async () => {
    const ownRemote = createBareRemote();
    const ownUrl = (await startHttpGit(dirname(ownRemote), 'ci', SECRET)).url('rendered.git');
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, ownUrl);
    git(project.dir, 'config', 'http.extraHeader', `Authorization: Basic ${Buffer.from(`ci:${SECRET}`).toString('base64')}`);
    const result = await publish({ root: project.dir, typecheck: false });
    expect(result.outcome).toBe('published');
    expect(git(ownRemote, 'rev-parse', 'rendered')).toBe(result.head);
  });

  it('keeps a wrong password out of the error', async () => {
    const project = createProject({ alpha: configMapApp('alpha', 'one') });
    const error = await publish({ root: project.dir, remote: urlWith('wrong-pa55word'), typecheck: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(String((error as GitError).message) + JSON.stringify((error as GitError).subject)).not.toContain('wrong-pa55word');
  });

  it('redacts user info in any URL', () => {
    expect(redactCredentials("fatal: unable to access 'https://x-access-token:ghs_abc@github.com/o/r.git/': 403")).toBe("fatal: unable to access 'https://***@github.com/o/r.git/': 403");
    expect(redactCredentials('ssh://deploy@git.example.com:2222/r.git and git@github.com:o/r.git')).toBe('ssh://***@git.example.com:2222/r.git and git@github.com:o/r.git');
  });
});

describe('SSH remotes', () => {
  it("publishes to an ssh:// URL through git's ssh command (GIT_SSH_COMMAND)", async () => {
    // A stand-in for ssh that runs the remote git command on this machine: what sshd would do.
    const fakeSsh = join(mkdtempSync(join(tmpdir(), 'gitops-ssh-')), 'ssh');
    writeFileSync(fakeSsh, '#!/bin/sh\nfor last; do :; done\nexec sh -c "$last"\n');
    chmodSync(fakeSsh, 0o755);
    vi.stubEnv('GIT_SSH_COMMAND', fakeSsh);
    vi.stubEnv('GIT_SSH_VARIANT', 'simple');
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, `ssh://deploy@git.example.invalid${remote}`);
    const result = await publish({ root: project.dir, typecheck: false });
    expect(result.outcome).toBe('published');
    expect(git(remote, 'rev-parse', 'rendered')).toBe(result.head);
  });
});
