// publish against a bare remote over a local path: first publish, one commit per change with its
// trailers and tree, nothing when unchanged, removed apps disappear, the checkout is left alone.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publish } from '../../compiler/publish.ts';
import { formatPublished } from '../../compiler/publish-report.ts';
import { cleanUp, configMapApp, createBareRemote, createProject, git } from './fixtures.ts';

afterAll(cleanUp);

const quiet = { typecheck: false, onWarning: () => {} };

function remoteFiles(remote: string, ref = 'rendered'): string[] {
  return git(remote, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean);
}

describe('publish', () => {
  const remote = createBareRemote();
  const project = createProject({ alpha: configMapApp('alpha', 'one'), beta: configMapApp('beta', 'one') }, remote);

  it('creates the rendered branch on the first publish, with the synth output at its root', async () => {
    const result = await publish({ root: project.dir, ...quiet });
    expect(result.outcome).toBe('published');
    expect(git(remote, 'rev-parse', 'rendered')).toBe(result.head);
    expect(remoteFiles(remote)).toEqual([
      'dev.manifest.json', 'dev/alpha/demo/configmap-alpha.yaml', 'dev/beta/demo/configmap-beta.yaml',
      'prod.manifest.json', 'prod/alpha/demo/configmap-alpha.yaml', 'prod/beta/demo/configmap-beta.yaml',
    ]);
    expect(git(remote, 'rev-list', '--count', 'rendered')).toBe('1');
  });

  it('publishes one commit per change, naming the source commit in its message and trailers', async () => {
    const before = git(remote, 'rev-parse', 'rendered');
    const source = project.commit('alpha: value two', { alpha: configMapApp('alpha', 'two') });
    const result = await publish({ root: project.dir, ...quiet, committer: { name: 'Publisher', email: 'publisher@example.com' } });

    expect(result.outcome).toBe('published');
    expect(git(remote, 'rev-parse', 'rendered^')).toBe(before);
    const message = git(remote, 'log', '-1', '--format=%B', 'rendered');
    expect(message.split('\n')[0]).toBe(`render ${source.slice(0, 7)}: alpha: value two`);
    expect(message).toContain('dev/alpha: +0 ~1 -0');
    const trailers = git(remote, 'log', '-1', '--format=%(trailers:only,unfold)', 'rendered');
    expect(trailers).toContain(`Source-Commit: ${source}`);
    expect(trailers).toContain('Source-Branch: main');
    expect(trailers).toContain('Source-Author: Dev Eloper <dev@example.com>');
    expect(trailers).toMatch(/Rendered-By: typed-gitops \d+\.\d+\.\d+/);
    expect(git(remote, 'log', '-1', '--format=%cn <%ce>', 'rendered')).toBe('Publisher <publisher@example.com>');
    expect(git(remote, 'show', 'rendered:prod/alpha/demo/configmap-alpha.yaml')).toContain('value: two');
  });

  it('publishes nothing when the output is unchanged, and says so', async () => {
    const before = git(remote, 'rev-parse', 'rendered');
    writeFileSync(join(project.dir, 'README.md'), 'docs only\n');
    git(project.dir, 'add', 'README.md');
    git(project.dir, 'commit', '--quiet', '-m', 'docs only');
    const unchanged = await publish({ root: project.dir, ...quiet });
    expect(unchanged.outcome).toBe('unchanged');
    expect(unchanged.head).toBe(before);
    expect(git(remote, 'rev-parse', 'rendered')).toBe(before);
    expect(formatPublished(unchanged)).toMatch(/^rendered output unchanged: origin\/rendered stays at [0-9a-f]{7}; nothing published/);
  });

  it('removes the files of a removed app', async () => {
    project.commit('remove beta', { beta: null });
    const result = await publish({ root: project.dir, ...quiet });
    expect(result.outcome).toBe('published');
    expect(result.changes.get('dev/beta')).toEqual({ added: 0, changed: 0, removed: 1 });
    expect(remoteFiles(remote).filter((f) => f.includes('beta'))).toEqual([]);
    expect(git(remote, 'show', 'rendered:dev.manifest.json')).not.toContain('beta');
  });

  it('makes the tree exactly the synth output, whatever else the head holds: a stray file, an executable or a symlink at one of its paths', async () => {
    const head = git(remote, 'rev-parse', 'rendered');
    const index = join(remote, `hand-index-${Date.now()}`);
    const byHand = (...args: string[]) => execFileSync('git', args, { cwd: remote, env: { ...process.env, GIT_INDEX_FILE: index }, encoding: 'utf8' }).trim();
    byHand('read-tree', head);
    const blob = (path: string) => byHand('rev-parse', `${head}:${path}`);
    byHand('update-index', '--cacheinfo', `100755,${blob('dev/alpha/demo/configmap-alpha.yaml')},dev/alpha/demo/configmap-alpha.yaml`);
    byHand('update-index', '--cacheinfo', `120000,${blob('prod/alpha/demo/configmap-alpha.yaml')},prod/alpha/demo/configmap-alpha.yaml`);
    byHand('update-index', '--add', '--cacheinfo', `100644,${blob('dev.manifest.json')},stray.txt`);
    const tree = byHand('write-tree');
    const message = git(remote, 'log', '-1', '--format=%B', head);
    byHand('update-ref', 'refs/heads/rendered', byHand('-c', 'user.name=Hand', '-c', 'user.email=h@example.com', 'commit-tree', tree, '-p', head, '-m', message));
    rmSync(index, { force: true });

    project.commit('add gamma', { gamma: configMapApp('gamma', 'one') }); // alpha's files keep their bytes
    expect((await publish({ root: project.dir, ...quiet })).outcome).toBe('published');
    const entries = git(remote, 'ls-tree', '-r', 'rendered').split('\n').map((line) => `${line.split(' ')[0]} ${line.split('\t')[1]}`);
    expect(entries).toEqual(['dev.manifest.json', 'dev/alpha/demo/configmap-alpha.yaml', 'dev/gamma/demo/configmap-gamma.yaml', 'prod.manifest.json',
      'prod/alpha/demo/configmap-alpha.yaml', 'prod/gamma/demo/configmap-gamma.yaml'].map((f) => `100644 ${f}`));
  });
});
