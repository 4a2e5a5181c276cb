// publish against a bare remote over a local path: first publish, one commit per change with its
// trailers and tree, nothing when unchanged, removed apps disappear, the checkout is left alone.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
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
});
