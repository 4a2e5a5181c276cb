// The rendered branch as a build cache, with real git and real publish: a fresh clone runs only the apps that
// changed (counted), writes byte for byte what a --no-cache run writes, runs an app again when its values, an
// imported module, the lock file or a file it read changes, and takes nothing from a commit publish did not make,
// from a file whose bytes do not match the manifest, or (with agent.verify keys) from one not signed by them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compile } from '../../compiler/compile.ts';
import { publish } from '../../compiler/publish.ts';
import { makeProject, REPO_ROOT, snapshotDir } from '../helpers/project.ts';
import { openpgpKey, removeKeys, sshKey } from '../helpers/keys.ts';
import { cleanUp, cloneProject, cloneWithRendered, commitFiles, createBareRemote, createProject, fetchRendered, git, type Project } from '../publish/fixtures.ts';

const buildsLog = join(mkdtempSync(join(tmpdir(), 'cache-from-')), 'builds.log');
beforeEach(() => writeFileSync(buildsLog, ''));
afterAll(() => { cleanUp(); removeKeys(); rmSync(dirname(buildsLog), { recursive: true, force: true }); });

/** A ConfigMap app that logs each build() to buildsLog; it may import ../shared/suffix.ts and read data/greeting.txt. */
function app(name: string, value: string, uses: { imports?: boolean; reads?: boolean } = {}): string {
  return `import { ApiObject, Chart } from 'cdk8s';
import { appendFileSync } from 'node:fs';
import { defineApp, readSynthInput } from 'typed-gitops/lib';
${uses.imports ? "import { suffix } from '../shared/suffix.ts';" : "const suffix = '';"}
export default defineApp<{ replicas: number }>({
  name: '${name}',
  build(app, env) {
    appendFileSync(process.env.CACHE_FROM_BUILDS as string, '${name} ' + env.name + '\\n');
    const chart = new Chart(app, '${name}', { namespace: 'demo' });
    const data: Record<string, string> = { value: '${value}' + suffix, replicas: String(env.values.replicas) };
    ${uses.reads ? "data.greeting = readSynthInput('data/greeting.txt').toString('utf8');" : ''}
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}' }, data });
  },
});
`;
}

const APPS = { alpha: app('alpha', 'one'), beta: app('beta', 'one', { imports: true }), gamma: app('gamma', 'one', { reads: true }) };
const FILES = { 'shared/suffix.ts': "export const suffix = '-a';\n", 'data/greeting.txt': 'hello', 'package-lock.json': '{ "name": "shop", "lockfileVersion": 3 }\n' };
const quiet = { typecheck: false, onWarning: () => {} };

function builds(): string[] {
  return readFileSync(buildsLog, 'utf8').split('\n').filter(Boolean).sort();
}

/** Synth of the clone with no local cache (a fresh CI job): which apps ran, what it said, what it wrote. */
async function synth(dir: string, options: { cacheFrom?: string; cache?: boolean } = {}) {
  rmSync(join(dir, '.gitops-cache'), { recursive: true, force: true });
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  writeFileSync(buildsLog, '');
  const progress: string[] = [];
  const outcome = await compile({ root: dir, typecheck: false, ...options, onProgress: (m) => progress.push(m) });
  expect(outcome.report.errors).toEqual([]);
  return { builds: builds(), progress: progress.join('\n'), dist: snapshotDir(join(dir, 'dist')), warnings: outcome.report.warnings };
}

/** A commit with the tree of `ref` except `changes` (path -> content), and `message`: made without publish. */
function handMadeCommit(dir: string, ref: string, message: string, changes: Record<string, string> = {}): string {
  const index = join(dir, '.git', `hand-made-${Date.now()}`);
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const run = (args: string[], input?: string) => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8' }).trim();
  run(['read-tree', ref]);
  for (const [path, content] of Object.entries(changes)) run(['update-index', '--cacheinfo', `100644,${run(['hash-object', '-w', '--stdin'], content)},${path}`]);
  const tree = run(['write-tree']);
  rmSync(index, { force: true });
  return run(['-c', 'user.name=Mallory', '-c', 'user.email=m@example.com', 'commit-tree', tree, '-p', ref, '-m', message]);
}

describe('synth --cache-from the rendered branch', () => {
  const remote = createBareRemote();
  let project: Project;
  beforeAll(async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    project = createProject(APPS, remote);
    commitFiles(project, FILES, 'shared module, data file, lock file');
    await publish({ root: project.dir, ...quiet });
  });

  it('records in each manifest what every app depends on, and publish made a commit it can take from', () => {
    const manifest = JSON.parse(git(remote, 'show', 'rendered:dev.manifest.json'));
    expect(Object.keys(manifest.apps)).toEqual(['alpha', 'beta', 'gamma']);
    expect(Object.keys(manifest.apps.gamma)).toEqual(['bundle', 'values', 'packages', 'tool', 'format', 'rules', 'sources', 'environments', 'afterOthers', 'inputs', 'findings']);
    expect(manifest.apps.gamma.inputs).toEqual({ 'data/greeting.txt': expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('on a fresh clone runs only the changed app, and writes byte for byte what --no-cache writes', async () => {
    const clone = cloneWithRendered(project, remote);
    clone.commit('alpha: two', { alpha: app('alpha', 'two') });
    const cached = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(cached.builds).toEqual(['alpha dev', 'alpha prod']);
    expect(cached.progress).toMatch(/taking 2 of 3 apps from rendered commit [0-9a-f]{7}/);
    expect(cached.dist.get('dev/alpha/demo/configmap-alpha.yaml')).toContain('value: two');
    const uncached = await synth(clone.dir, { cache: false });
    expect(uncached.builds).toHaveLength(6);
    expect(cached.dist).toEqual(uncached.dist);
    expect([...cached.dist.keys()].filter((f) => f.endsWith('.manifest.json'))).toEqual(['dev.manifest.json', 'prod.manifest.json']);
    expect((await synth(clone.dir, { cacheFrom: 'origin/rendered', cache: false })).builds).toHaveLength(6); // --no-cache wins
  });

  it('on a fresh clone, a synth with errors leaves no output folder, though the unchanged apps\' files were being written', async () => {
    const clone = cloneWithRendered(project, remote);
    clone.commit('alpha: broken', { alpha: app('alpha', 'two').replace("replicas: String(env.values.replicas)", 'replicas: env.values.replicas as unknown as string') });
    rmSync(join(clone.dir, 'dist'), { recursive: true, force: true });
    const progress: string[] = [];
    const outcome = await compile({ root: clone.dir, typecheck: false, cacheFrom: 'origin/rendered', onProgress: (m) => progress.push(m) });
    expect(progress.join('\n')).toMatch(/taking 2 of 3 apps/);
    expect(outcome.report.errors.map((e) => `${e.app}: ${e.message}`).join('\n')).toMatch(/alpha: .*replicas/);
    expect(existsSync(join(clone.dir, 'dist'))).toBe(false);
    expect(readdirSync(join(clone.dir, '.gitops-cache')).filter((f) => f.startsWith('staging'))).toEqual([]);
  });

  it('runs an app again when its values, a module it imports, the lock file or a file it read changes', async () => {
    const clone = cloneWithRendered(project, remote);
    expect((await synth(clone.dir, { cacheFrom: 'origin/rendered' })).builds).toEqual([]);

    const config = readFileSync(join(clone.dir, 'gitops.config.ts'), 'utf8');
    commitFiles(clone, { 'gitops.config.ts': config.replace('replicas: 3', 'replicas: 4') });
    const values = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(values.builds).toEqual(['alpha prod', 'beta prod', 'gamma prod']);
    expect(values.progress).toContain('; synthesizing alpha in prod, beta in prod, gamma in prod (values changed)');
    commitFiles(clone, { 'gitops.config.ts': config });

    commitFiles(clone, { 'shared/suffix.ts': "export const suffix = '-b';\n" });
    expect((await synth(clone.dir, { cacheFrom: 'origin/rendered' })).builds).toEqual(['beta dev', 'beta prod']);
    commitFiles(clone, FILES);

    commitFiles(clone, { 'package-lock.json': '{ "name": "shop", "lockfileVersion": 3, "packages": {} }\n' });
    const packages = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(packages.builds).toHaveLength(6);
    expect(packages.progress).toMatch(/taking 0 of 3 apps from rendered commit [0-9a-f]{7}; synthesizing alpha, beta, gamma \(packages changed\)/);
    commitFiles(clone, FILES);

    commitFiles(clone, { 'data/greeting.txt': 'goodbye' });
    const changed = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(changed.builds).toEqual(['gamma dev', 'gamma prod']);
    expect(changed.progress).toContain('; synthesizing gamma (a file it reads changed)');
    expect(changed.dist.get('dev/gamma/demo/configmap-gamma.yaml')).toContain('greeting: goodbye');
  });

  it('takes nothing from a commit without the trailers of publish', async () => {
    const clone = cloneWithRendered(project, remote);
    const forged = handMadeCommit(clone.dir, 'origin/rendered', 'render by hand\n');
    const run = await synth(clone.dir, { cacheFrom: forged });
    expect(run.builds).toHaveLength(6);
    expect(run.progress).toContain(`not taking apps from rendered commit ${forged.slice(0, 7)}: it has no Source-Commit trailer`);
  });

  it('synthesizes an app whose file does not match its sha256 in the manifest, and takes the others', async () => {
    const clone = cloneWithRendered(project, remote);
    const file = 'dev/alpha/demo/configmap-alpha.yaml';
    const original = git(clone.dir, 'show', `origin/rendered:${file}`);
    const message = git(clone.dir, 'log', '-1', '--format=%B', 'origin/rendered');
    const tampered = handMadeCommit(clone.dir, 'origin/rendered', message, { [file]: `${original.replace('value: one', 'value: evil')}\n` });
    const run = await synth(clone.dir, { cacheFrom: tampered });
    expect(run.builds).toEqual(['alpha dev']);
    expect(run.progress).toContain(`alpha in dev: ${file} does not match its sha256 in dev.manifest.json`);
    expect(run.dist.get(file)).toContain('value: one');
  });

  it('a run limited to one app keeps the records of the others in the manifest', async () => {
    const clone = cloneProject(project, remote);
    const full = await synth(clone.dir, { cache: false });
    await compile({ root: clone.dir, typecheck: false, apps: ['alpha'] });
    expect(snapshotDir(join(clone.dir, 'dist'))).toEqual(full.dist);
  });

  it('gitops synth --cache-from and gitops publish --no-cache, saying in a CI log where the apps came from', () => {
    const clone = cloneWithRendered(project, remote);
    clone.commit('alpha: three', { alpha: app('alpha', 'three') });
    const gitops = (...args: string[]) => {
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'gitops.js'), ...args, '--root', clone.dir, '--no-typecheck'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return run.stderr;
    };
    writeFileSync(buildsLog, '');
    // Not a terminal, as in CI: no progress lines, but the cache's outcome is there.
    expect(gitops('synth', '--cache-from', 'origin/rendered')).toMatch(/^taking 2 of 3 apps from rendered commit [0-9a-f]{7}; synthesizing alpha \(code changed\)\n$/);
    expect(builds()).toEqual(['alpha dev', 'alpha prod']);
    const forged = handMadeCommit(clone.dir, 'origin/rendered', 'render by hand\n');
    expect(gitops('synth', '--cache-from', forged)).toMatch(new RegExp(`^not taking apps from rendered commit ${forged.slice(0, 7)}: .+; every app is synthesized\n$`));
    writeFileSync(buildsLog, '');
    gitops('publish', '--no-cache', '--remote', createBareRemote());
    expect(builds()).toHaveLength(6);
  });

  it('publishes nothing when only what the manifests record changed (a new lock file, the same objects)', async () => {
    const clone = cloneProject(project, remote);
    commitFiles(clone, { 'package-lock.json': '{ "name": "shop", "lockfileVersion": 3, "requires": true }\n' });
    const head = git(remote, 'rev-parse', 'rendered');
    expect(await publish({ root: clone.dir, ...quiet })).toMatchObject({ outcome: 'unchanged', head });
  });

  it('refuses an unknown ref, naming it', async () => {
    const clone = cloneProject(project, remote);
    await expect(synth(clone.dir, { cacheFrom: 'origin/no-such-branch' })).rejects.toThrow(/--cache-from origin\/no-such-branch: no such commit/);
  });

  it('publish from a fresh clone takes unchanged apps from the rendered head by default, and none with --no-cache', async () => {
    const first = cloneProject(project, remote);
    first.commit('beta: two', { beta: app('beta', 'two', { imports: true }) });
    const published = await publish({ root: first.dir, ...quiet });
    expect(published.outcome).toBe('published');
    expect(builds()).toEqual(['beta dev', 'beta prod']);

    const second = cloneProject(first, remote);
    writeFileSync(buildsLog, '');
    const again = await publish({ root: second.dir, ...quiet, cache: false });
    expect(builds()).toHaveLength(6);
    expect(again).toMatchObject({ outcome: 'unchanged', head: published.head }); // the same bytes as the run that took from the cache
  });
});

/** A Deployment without resources, only in dev: the example's dev warns about it (policy resources-required). */
const DEV_ONLY_WITHOUT_RESOURCES = `import { ApiObject, Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
export default defineApp({
  name: 'extra',
  environments: ['dev'],
  build(app) {
    const chart = new Chart(app, 'extra', { namespace: 'shop' });
    const labels = { app: 'extra' };
    const container = { name: 'main', image: 'ghcr.io/acme/extra:1.0.0', readinessProbe: { httpGet: { path: '/', port: 8080 } } };
    new ApiObject(chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'extra' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } } });
  },
});
`;

describe('--cache-from on the example project', () => {
  it('takes every app (encrypted Secrets, the agent built after the others, findings) and writes what --no-cache writes', async () => {
    const example = makeProject({ '.gitignore': 'dist/\n.gitops-cache/\n', 'apps/extra.ts': DEV_ONLY_WITHOUT_RESOURCES }, { copyExample: true });
    try {
      const remote = createBareRemote();
      for (const args of [['init', '--quiet', '--initial-branch=main'], ['add', '-A'], ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'example'], ['remote', 'add', 'origin', remote]]) git(example.root, ...args);
      await publish({ root: example.root, ...quiet });
      fetchRendered(example.root);
      const cached = await synth(example.root, { cacheFrom: 'origin/rendered' });
      expect(cached.progress).toMatch(/taking 9 of 9 apps from rendered commit/);
      expect(cached.progress).not.toContain('ignoring');
      const uncached = await synth(example.root, { cache: false });
      expect(cached.dist).toEqual(uncached.dist);
      expect(cached.warnings.filter((w) => w.app === 'extra').map((w) => `${w.env} ${w.rule}`)).toEqual(['dev policy/resources-required']);
      expect(cached.warnings).toEqual(uncached.warnings);
      expect(Object.keys(JSON.parse(cached.dist.get('dev.manifest.json')!).apps.extra.findings)).toEqual(['extra/shop/deployment-extra.yaml']);
      expect(JSON.parse(cached.dist.get('prod.manifest.json')!).apps['gitops-agent'].afterOthers).toBe(true);
    } finally {
      example.cleanup();
    }
  });
});

describe('publish signing its commits, without agent.verify keys', () => {
  it('takes only from a commit signed by its own key, not from one pushed by someone else', async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    const key = sshKey('ci@example.com');
    const remote = createBareRemote();
    const project = createProject({ alpha: app('alpha', 'one'), beta: app('beta', 'one') }, remote);
    await publish({ root: project.dir, ...quiet, signingKey: key.secretFile });

    const mallory = cloneWithRendered(project, remote);
    const message = git(mallory.dir, 'log', '-1', '--format=%B', 'origin/rendered');
    git(mallory.dir, 'push', '--quiet', remote, `${handMadeCommit(mallory.dir, 'origin/rendered', message)}:refs/heads/rendered`);
    const progress: string[] = [];
    const first = cloneProject(project, remote);
    first.commit('alpha: two', { alpha: app('alpha', 'two') });
    writeFileSync(buildsLog, '');
    await publish({ root: first.dir, ...quiet, signingKey: key.secretFile, onProgress: (m) => progress.push(m) });
    expect(builds()).toHaveLength(4);
    expect(progress.join('\n')).toMatch(/not taking apps from rendered commit [0-9a-f]{7}: it is not signed \(checked against the key publish signs with\)/);

    const second = cloneProject(first, remote);
    second.commit('beta: two', { beta: app('beta', 'two') });
    writeFileSync(buildsLog, '');
    await publish({ root: second.dir, ...quiet, signingKey: key.secretFile });
    expect(builds()).toEqual(['beta dev', 'beta prod']);
  });

  it('checks an OpenPGP signing key the same way', async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    const key = openpgpKey();
    const remote = createBareRemote();
    const project = createProject({ alpha: app('alpha', 'one'), beta: app('beta', 'one') }, remote);
    await publish({ root: project.dir, ...quiet, signingKey: key.secretFile });
    const clone = cloneProject(project, remote);
    clone.commit('beta: two', { beta: app('beta', 'two') });
    writeFileSync(buildsLog, '');
    expect(await publish({ root: clone.dir, ...quiet, signingKey: key.secretFile })).toMatchObject({ outcome: 'published', signed: 'openpgp' });
    expect(builds()).toEqual(['beta dev', 'beta prod']);
  });
});

describe('--cache-from with agent.verify keys', () => {
  it('takes only from a commit signed by one of them', async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    const allowed = sshKey('ci@example.com');
    const other = sshKey('mallory@example.com');
    const remote = createBareRemote();
    const project = createProject({ alpha: app('alpha', 'one'), beta: app('beta', 'one') }, remote);
    const config = readFileSync(join(project.dir, 'gitops.config.ts'), 'utf8')
      .replace("external: { namespaces: ['demo'] },", "external: { namespaces: ['demo'] },\n  agent: { verify: { allowedSigners: 'keys/allowed_signers' } },");
    commitFiles(project, { 'gitops.config.ts': config, 'keys/allowed_signers': allowed.allowed });

    await publish({ root: project.dir, ...quiet, signingKey: other.secretFile });
    const clone = cloneWithRendered(project, remote);
    const wrongKey = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(wrongKey.builds).toHaveLength(4);
    expect(wrongKey.progress).toMatch(/not taking apps from rendered commit [0-9a-f]{7}: it is signed by .*which is not an allowed key/);

    const message = git(clone.dir, 'log', '-1', '--format=%B', 'origin/rendered');
    const unsigned = await synth(clone.dir, { cacheFrom: handMadeCommit(clone.dir, 'origin/rendered', message) });
    expect(unsigned.builds).toHaveLength(4);
    expect(unsigned.progress).toContain('it is not signed');

    project.commit('alpha: two', { alpha: app('alpha', 'two') });
    await publish({ root: project.dir, ...quiet, signingKey: allowed.secretFile });
    const signed = cloneWithRendered(project, remote);
    signed.commit('beta: two', { beta: app('beta', 'two') });
    expect((await synth(signed.dir, { cacheFrom: 'origin/rendered' })).builds).toEqual(['beta dev', 'beta prod']);
    expect(existsSync(join(signed.dir, 'dist', 'dev', 'alpha'))).toBe(true);
  });

  it('takes nothing when the keys are only in a cluster Secret, where synth cannot check them', async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    const remote = createBareRemote();
    const project = createProject({ alpha: app('alpha', 'one') }, remote);
    const config = readFileSync(join(project.dir, 'gitops.config.ts'), 'utf8')
      .replace("external: { namespaces: ['demo'] },", "external: { namespaces: ['demo'] },\n  agent: { verify: { secret: 'agent-keys' } },");
    commitFiles(project, { 'gitops.config.ts': config });
    await publish({ root: project.dir, ...quiet });
    const clone = cloneWithRendered(project, remote);
    const run = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(run.builds).toEqual(['alpha dev', 'alpha prod']);
    expect(run.progress).toContain('agent.verify names its keys only in a Secret');
  });
});

/** An app that includes a YAML file and patches a path its object does not have: objects named by file#index, a warning. */
const INCLUDING_APP = `import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { appendFileSync } from 'node:fs';
import { defineApp, Include } from 'typed-gitops/lib';
export default defineApp({
  name: 'delta',
  build(app, env) {
    appendFileSync(process.env.CACHE_FROM_BUILDS as string, 'delta ' + env.name + '\\n');
    const chart = new Chart(app, 'delta', { namespace: 'demo' });
    new Include(chart, 'legacy', { path: 'manifests/delta.yaml' });
    const own = new ApiObject(chart, 'own', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'delta-own' }, data: { a: 'b' } });
    own.addJsonPatch(JsonPatch.remove('/data/missing'));
  },
});
`;

describe('synth --cache-from an app that includes files and has warnings', () => {
  it('takes it from the rendered commit with its file#index sources and its warnings, as --no-cache makes them', async () => {
    process.env.CACHE_FROM_BUILDS = buildsLog;
    const remote = createBareRemote();
    const project = createProject({ alpha: app('alpha', 'one'), delta: INCLUDING_APP }, remote);
    commitFiles(project, { 'manifests/delta.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: delta-included\ndata:\n  x: y\n' });
    await publish({ root: project.dir, ...quiet });
    const clone = cloneWithRendered(project, remote);
    clone.commit('alpha: two', { alpha: app('alpha', 'two') });
    const cached = await synth(clone.dir, { cacheFrom: 'origin/rendered' });
    expect(cached.builds).toEqual(['alpha dev', 'alpha prod']);
    const uncached = await synth(clone.dir, { cache: false });
    expect(uncached.warnings.map((w) => w.rule)).toContain('patch-lands-nowhere');
    expect(cached.warnings).toEqual(uncached.warnings);
    expect(cached.dist).toEqual(uncached.dist);
    expect(cached.dist.get('dev.manifest.json')).toContain('"sourceFile": "manifests/delta.yaml#0"');
  });
});
