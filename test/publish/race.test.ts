// Publishers racing through a git daemon (git://): the loser of a push fetches and builds again on
// the new head, or refuses when that head came from a newer source; history stays linear.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { publish, type PublishOptions } from '../../compiler/publish.ts';
import { cleanUp, cloneProject, configMapApp, createBareRemote, createProject, git, startDaemon, type Project } from './fixtures.ts';

afterAll(cleanUp);

const quiet = { typecheck: false, onWarning: () => {} };

async function servedRemote(): Promise<{ dir: string; url: string }> {
  const dir = createBareRemote();
  const daemon = await startDaemon(dirname(dir));
  return { dir, url: daemon.url('rendered.git') };
}

/** Publishes `project` to a scratch remote: a rendered commit ready to be pushed by "someone else". */
async function renderedElsewhere(project: Project): Promise<string> {
  return (await publish({ root: project.dir, remote: createBareRemote(), ...quiet })).head;
}

/** Options that push `commit` to `url` just before the publisher's first push: it loses that race. */
function losingFirstPush(project: Project, url: string, commit: string): Partial<PublishOptions> {
  let raced = false;
  return {
    onProgress: (message) => {
      if (raced || !message.startsWith('pushing')) return;
      raced = true;
      execFileSync('git', ['push', '--quiet', url, `${commit}:refs/heads/rendered`], { cwd: project.dir });
    },
  };
}

function linearHistory(remote: string): string[][] {
  return git(remote, 'rev-list', '--parents', 'rendered').split('\n').map((line) => line.split(' '));
}

const sourceOf = (remote: string, ref: string) => git(remote, 'log', '-1', '--format=%(trailers:key=Source-Commit,valueonly)', ref);

describe('publish under races', () => {
  it('builds again on top when an older source was published first', async () => {
    const remote = await servedRemote();
    const newer = createProject({ alpha: configMapApp('alpha', 'one') }, remote.url);
    const older = cloneProject(newer, remote.url);
    const newSource = newer.commit('alpha two', { alpha: configMapApp('alpha', 'two') });
    const theirs = await renderedElsewhere(older);

    const result = await publish({ root: newer.dir, ...quiet, ...losingFirstPush(older, remote.url, theirs) });
    expect(result).toMatchObject({ outcome: 'published', attempts: 2 });
    expect(git(remote.dir, 'rev-parse', 'rendered^')).toBe(theirs);
    expect(sourceOf(remote.dir, 'rendered')).toBe(newSource);
    expect(linearHistory(remote.dir).every((c) => c.length <= 2)).toBe(true);
  });

  it('refuses on retry when the winner published a newer source', async () => {
    const remote = await servedRemote();
    const older = createProject({ alpha: configMapApp('alpha', 'one') }, remote.url);
    const newer = cloneProject(older, remote.url);
    newer.commit('alpha two', { alpha: configMapApp('alpha', 'two') });
    const theirs = await renderedElsewhere(newer);

    await expect(publish({ root: older.dir, ...quiet, ...losingFirstPush(newer, remote.url, theirs) })).rejects.toThrow(/refusing to publish/);
    expect(git(remote.dir, 'rev-parse', 'rendered')).toBe(theirs);
  });

  it('three concurrent publishers end with a linear history, sources in order, the newest on top', async () => {
    const remote = await servedRemote();
    const main = createProject({ alpha: configMapApp('alpha', 'one') }, remote.url);
    const sources = [git(main.dir, 'rev-parse', 'HEAD')];
    const first = cloneProject(main, remote.url);
    sources.push(main.commit('alpha two', { alpha: configMapApp('alpha', 'two') }));
    const second = cloneProject(main, remote.url);
    sources.push(main.commit('alpha three', { alpha: configMapApp('alpha', 'three') }));

    const results = await Promise.allSettled([first, second, main].map((p) => publish({ root: p.dir, ...quiet })));
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/refusing to publish/);
    expect(results[2].status).toBe('fulfilled');

    const history = linearHistory(remote.dir);
    expect(history.every((c) => c.length <= 2)).toBe(true);
    const order = history.map(([sha]) => sources.indexOf(sourceOf(remote.dir, sha))).reverse();
    expect(order.at(-1)).toBe(2);
    expect(order).toEqual([...order].sort());
    expect(new Set(order).size).toBe(order.length);
  });
});
