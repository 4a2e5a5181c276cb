// What publish refuses, with nothing pushed: a dirty work tree, a synth error, a source older than
// the one already published (unless --force, which says so loudly); and what it never touches.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, UserInputError } from '../../core/errors.ts';
import { publish } from '../../compiler/publish.ts';
import { brokenApp, cleanUp, cloneProject, configMapApp, createBareRemote, createProject, git } from './fixtures.ts';

afterAll(cleanUp);

const quiet = { typecheck: false, onWarning: () => {} };
const remoteHead = (remote: string) => git(remote, 'for-each-ref', '--format=%(objectname)', 'refs/heads/rendered');

describe('publish refuses', () => {
  it('a dirty work tree (changed or untracked files), naming the files, with nothing pushed', async () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    writeFileSync(join(project.dir, 'apps', 'alpha.ts'), configMapApp('alpha', 'uncommitted'));
    await expect(publish({ root: project.dir, ...quiet })).rejects.toThrow(/uncommitted changes \(apps\/alpha\.ts\); nothing was pushed/);
    git(project.dir, 'checkout', '--', 'apps/alpha.ts');
    writeFileSync(join(project.dir, 'apps', 'beta.ts'), configMapApp('beta', 'new'));
    await expect(publish({ root: project.dir, ...quiet })).rejects.toBeInstanceOf(UserInputError);
    expect(remoteHead(remote)).toBe('');
  });

  it('a synth error, with the diagnostics and nothing pushed', async () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    await publish({ root: project.dir, ...quiet });
    const published = remoteHead(remote);
    project.commit('break it', { broken: brokenApp });
    const error = await publish({ root: project.dir, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(/synth failed with 2 error\(s\); nothing was pushed/);
    expect((error as Error).message).toContain('broken on purpose');
    expect(remoteHead(remote)).toBe(published);
  });

  it('publishing from another branch than the source branch', async () => {
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, createBareRemote());
    git(project.dir, 'checkout', '--quiet', '-b', 'feature');
    await expect(publish({ root: project.dir, ...quiet })).rejects.toThrow(/is on branch 'feature', but the rendered branch follows 'main'/);
  });

  it('an older source after a newer one; --force publishes it on top, loudly and with a Forced-Over trailer', async () => {
    const remote = createBareRemote();
    const newer = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const older = cloneProject(newer, remote);
    const newSource = newer.commit('alpha two', { alpha: configMapApp('alpha', 'two') });
    await publish({ root: newer.dir, ...quiet });
    const published = remoteHead(remote);

    const error = await publish({ root: older.dir, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toContain(`was rendered from ${newSource}, which is not in this clone`);
    expect(remoteHead(remote)).toBe(published);

    git(older.dir, 'fetch', '--quiet', newer.dir, 'main'); // now the newer source is known: a plain "not an ancestor"
    await expect(publish({ root: older.dir, ...quiet })).rejects.toThrow(/which is not an ancestor of .*: publishing would move 'rendered' backwards/);
    expect(remoteHead(remote)).toBe(published);

    const warnings: string[] = [];
    const forced = await publish({ root: older.dir, typecheck: false, force: true, onWarning: (m) => warnings.push(m) });
    expect(forced.outcome).toBe('published');
    expect(warnings.join('\n')).toMatch(/^FORCED PUBLISH: .* not an ancestor/);
    expect(git(remote, 'rev-parse', 'rendered^')).toBe(published);
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Forced-Over,valueonly)', 'rendered')).toBe(newSource);
  });
});

describe('publish leaves the checkout alone', () => {
  it('keeps HEAD, the current branch, local branches, the index and the work tree as they were, and runs no hooks', async () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const state = () => ({
      head: git(project.dir, 'rev-parse', 'HEAD'),
      branch: git(project.dir, 'symbolic-ref', 'HEAD'),
      branches: git(project.dir, 'for-each-ref', 'refs/heads', 'refs/tags'),
      index: git(project.dir, 'ls-files', '--stage'),
      status: git(project.dir, 'status', '--porcelain', '--ignored=no'),
      refs: git(project.dir, 'for-each-ref', '--format=%(refname)').split('\n').filter((r) => r.startsWith('refs/gitops/')),
    });
    // a pre-push hook that would fail: publish does not run the project's hooks on rendered commits
    writeFileSync(join(project.dir, '.git', 'hooks', 'pre-push'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const before = state();
    await publish({ root: project.dir, ...quiet });
    project.commit('alpha two', { alpha: configMapApp('alpha', 'two') });
    const between = state();
    await publish({ root: project.dir, ...quiet });
    expect(state()).toEqual(between);
    expect(before.branch).toBe('refs/heads/main');
    expect(between.refs).toEqual([]); // the scratch ref of fast-import is gone
  });
});
