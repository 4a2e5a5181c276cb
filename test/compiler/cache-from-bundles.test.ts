// --cache-from without esbuild for the apps the rendered commit records unchanged, with real git and real publish:
// on a fresh clone only the changed app is bundled (its bundle file is the only one written), a changed imported
// module rebundles the apps importing it, an app taken as recorded that must run after all is bundled then, and a
// file added since the source commit (one that shadows an import) or a shallow clone bundles every app. Each run
// writes byte for byte what --no-cache writes, manifest records included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compile } from '../../compiler/compile.ts';
import { publish } from '../../compiler/publish.ts';
import { snapshotDir } from '../helpers/project.ts';
import { cleanUp, cloneProject, cloneWithRendered, commitFiles, createBareRemote, createProject, fetchRendered, git, type Project } from '../publish/fixtures.ts';

afterAll(() => cleanUp());

/** A ConfigMap app whose value comes from an imported module (`from`, relative to apps/), or from itself. */
function app(name: string, value: string, from?: string): string {
  return `import { ApiObject, Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
${from ? `import { word } from '${from}';` : "const word = '';"}
export default defineApp<{ replicas: number }>({
  name: '${name}',
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'demo' });
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}' }, data: { value: '${value}' + word, replicas: String(env.values.replicas) } });
  },
});
`;
}

const APPS = { alpha: app('alpha', 'one'), beta: app('beta', 'one', '../shared/suffix.ts'), delta: app('delta', 'one', '../shared/util') };
const FILES = { 'shared/suffix.ts': "export const word = '-a';\n", 'shared/util/index.ts': "export const word = '-from-index';\n", 'tsconfig.json': '{}\n' };
const quiet = { typecheck: false, onWarning: () => {} };

/** The apps whose bundle files a run wrote (the config's aside). */
function bundled(dir: string): string[] {
  const folder = join(dir, '.gitops-cache', 'bundles');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith('.mjs') && !f.startsWith('_config')).map((f) => f.replace(/-[0-9a-f]{16}\.mjs$/, '')).sort();
}

/** Synth of the clone with no local cache (a fresh CI job): which apps it bundled, what it said, what it wrote. */
async function synth(dir: string, options: { cacheFrom?: string; cache?: boolean } = {}) {
  rmSync(join(dir, '.gitops-cache'), { recursive: true, force: true });
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const progress: string[] = [];
  const outcome = await compile({ root: dir, typecheck: false, ...options, onProgress: (m) => progress.push(m) });
  expect(outcome.report.errors).toEqual([]);
  return { bundled: bundled(dir), progress: progress.join('\n'), dist: snapshotDir(join(dir, 'dist')) };
}

/** The same clone synthesized with --cache-from and with --no-cache: both results, which must be byte-identical. */
async function cachedAndUncached(dir: string) {
  const cached = await synth(dir, { cacheFrom: 'origin/rendered' });
  const uncached = await synth(dir, { cache: false });
  expect(uncached.bundled).toEqual(['alpha', 'beta', 'delta']);
  expect(cached.dist).toEqual(uncached.dist);
  return cached;
}

describe('synth --cache-from bundles only the apps it must', () => {
  const remote = createBareRemote();
  let project: Project;
  beforeAll(async () => {
    project = createProject(APPS, remote);
    commitFiles(project, FILES, 'shared modules');
    await publish({ root: project.dir, ...quiet });
  });

  it("records each app's bundle inputs with their sha256, relative to the project", () => {
    const manifest = JSON.parse(git(remote, 'show', 'rendered:dev.manifest.json'));
    expect(Object.keys(manifest.apps.beta.sources).filter((f) => !f.startsWith('..'))).toEqual(['apps/beta.ts', 'shared/suffix.ts']);
    expect(Object.values(manifest.apps.beta.sources)).toEqual(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]));
  });

  it('on a fresh clone bundles only the changed app, and writes what --no-cache writes', async () => {
    const clone = cloneWithRendered(project, remote);
    clone.commit('alpha: two', { alpha: app('alpha', 'two') });
    const run = await cachedAndUncached(clone.dir);
    expect(run.bundled).toEqual(['alpha']);
    expect(run.progress).toContain('bundling 1 of 3 apps, 2 as the rendered commit records them');
    expect(run.dist.get('dev/alpha/demo/configmap-alpha.yaml')).toContain('value: two');
  });

  it('bundles again the apps importing a changed module', async () => {
    const clone = cloneWithRendered(project, remote);
    commitFiles(clone, { 'shared/suffix.ts': "export const word = '-b';\n" });
    const run = await cachedAndUncached(clone.dir);
    expect(run.bundled).toEqual(['beta']);
    expect(run.dist.get('dev/beta/demo/configmap-beta.yaml')).toContain('value: one-b');
  });

  it('bundles an app taken as recorded when it must run after all (its values changed)', async () => {
    const clone = cloneWithRendered(project, remote);
    const config = readFileSync(join(clone.dir, 'gitops.config.ts'), 'utf8');
    commitFiles(clone, { 'gitops.config.ts': config.replace('replicas: 3', 'replicas: 4') });
    const run = await cachedAndUncached(clone.dir);
    expect(run.progress).toContain('bundling 0 of 3 apps, 3 as the rendered commit records them');
    expect(run.bundled).toEqual(['alpha', 'beta', 'delta']);
    expect(run.dist.get('prod/alpha/demo/configmap-alpha.yaml')).toMatch(/replicas: ["']4["']/);
  });

  it('bundles every app when a file was added since the source commit, so an added file that shadows an import shows', async () => {
    const clone = cloneWithRendered(project, remote);
    writeFileSync(join(clone.dir, 'shared', 'util.ts'), "export const word = '-from-file';\n"); // untracked: '../shared/util' now resolves to it
    const run = await cachedAndUncached(clone.dir);
    expect(run.progress).toMatch(/bundling every app, not taking bundles as rendered commit [0-9a-f]{7} records them: shared\/util\.ts is not in its source commit/);
    expect(run.bundled).toEqual(['alpha', 'beta', 'delta']);
    expect(run.dist.get('dev/delta/demo/configmap-delta.yaml')).toContain('value: one-from-file');

    commitFiles(clone, {}, 'add the shadowing file'); // committed, it is an added file of the diff
    const committed = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(committed.progress).toMatch(/shared\/util\.ts was added since its source commit/);
    expect(committed.dist.get('dev/delta/demo/configmap-delta.yaml')).toContain('value: one-from-file');
  });

  it('bundles every app when tsconfig.json changed (its paths may resolve an import elsewhere)', async () => {
    const clone = cloneWithRendered(project, remote);
    commitFiles(clone, { 'tsconfig.json': '{ "compilerOptions": { "paths": {} } }\n' });
    const run = await cachedAndUncached(clone.dir);
    expect(run.progress).toMatch(/bundling every app, .*: tsconfig\.json changed since its source commit/);
    expect(run.bundled).toEqual(['alpha', 'beta', 'delta']);
  });

  it('bundles every app in a shallow clone without the source commit', async () => {
    const source = cloneProject(project, remote);
    commitFiles(source, { 'README.md': 'a later commit\n' });
    const dir = join(dirname(source.dir), `${source.dir.split('/').pop()}-shallow`);
    git(dirname(dir), 'clone', '--quiet', '--depth', '1', `file://${source.dir}`, dir);
    git(dir, 'remote', 'set-url', 'origin', remote);
    fetchRendered(dir);
    try {
      const run = await cachedAndUncached(dir);
      expect(run.progress).toMatch(/bundling every app, .*: its source commit [0-9a-f]{7} is not in this clone/);
      expect(run.bundled).toEqual(['alpha', 'beta', 'delta']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publish from a fresh clone bundles only the changed app and pushes the records a full run writes', async () => {
    const first = cloneProject(project, remote);
    first.commit('beta: two', { beta: app('beta', 'two', '../shared/suffix.ts') });
    const published = await publish({ root: first.dir, ...quiet });
    expect(published.outcome).toBe('published');
    expect(bundled(first.dir)).toEqual(['beta']);

    const second = cloneProject(first, remote);
    const again = await publish({ root: second.dir, ...quiet, cache: false });
    expect(bundled(second.dir)).toEqual(['alpha', 'beta', 'delta']);
    expect(again).toMatchObject({ outcome: 'unchanged', head: published.head }); // the same bytes, manifest records included
  });
});
