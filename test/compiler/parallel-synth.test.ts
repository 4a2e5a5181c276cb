// Parallel synth: the apps that must run are built on worker threads and the main thread at once,
// and the output is byte for byte what building them one after another writes (every file of dist/,
// the manifests, errors and warnings in the same order). A worker that stops fails its app alone.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, parseJobs, type CompileOutcome } from '../../compiler/compile.ts';
import { runSynthJobs, synthHands } from '../../compiler/synth-pool.ts';
import { bundleEntries } from '../../core/bundle.ts';
import { loadConfig } from '../../core/load-config.ts';
import { generateProjects } from '../../bench/generate.ts';
import { makeProject, snapshotDir, webApp, BASIC_CONFIG, REPO_ROOT, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

/** dist/ and the report of an uncached synth of `root` with `jobs` at once, from an empty dist/. */
async function synthWith(root: string, jobs: number): Promise<{ files: Map<string, string>; outcome: CompileOutcome }> {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const outcome = await compile({ root, typecheck: false, cache: false, jobs });
  return { files: snapshotDir(join(root, 'dist')), outcome };
}

async function expectSameAsSerial(root: string, jobs: number, pooledEnv: Record<string, string> = {}): Promise<CompileOutcome> {
  // Pooled first: the main thread's module cache then still lacks the apps (their top-level code runs once a process).
  const pooled = await withEnv(pooledEnv, () => synthWith(root, jobs));
  const serial = await synthWith(root, 1);
  expect([...pooled.files.keys()]).toEqual([...serial.files.keys()]);
  expect(pooled.files).toEqual(serial.files);
  expect(pooled.outcome.report).toEqual(serial.outcome.report);
  return pooled.outcome;
}

async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const name of Object.keys(vars)) delete process.env[name];
  }
}

/** An app's source that also logs the thread it is built on to $THREADS_LOG; `top` ends its module. */
function logThreads(source: string, name: string, top = ''): string {
  return `import { appendFileSync, readFileSync } from 'node:fs';\nimport { isMainThread, threadId } from 'node:worker_threads';\n${source}\n${top}`
    .replace('build(app, env) {', `build(app, env) {\n    appendFileSync(process.env.THREADS_LOG!, threadId + ' ${name}\\n');`);
}

/** A web app that logs the thread it is built on; `extra` ends its build(), `top` its module. */
function loggingApp(name: string, extra = '', top = ''): string {
  return logThreads(webApp(name).replace('\n  },\n});', `\n    ${extra}\n  },\n});`), name, top);
}

/** Makes every app of `root` log its thread, the first one holding the main thread until a worker builds another. */
function logEveryApp(root: string): void {
  const files = readdirSync(join(root, 'apps')).filter((f) => f.endsWith('.ts')).sort();
  files.forEach((file, i) => {
    const name = file.slice(0, -3);
    const path = join(root, 'apps', file);
    writeFileSync(path, logThreads(readFileSync(path, 'utf8'), name, i === 0 ? holdMainUntilWorkerBuilds('\\S+') : ''));
  });
  writeFileSync(join(root, 'threads.log'), '');
}

/** Whether any app was built off the main thread. */
function builtOnWorkers(log: string): boolean {
  return [...threadsLogged(log).values()].some((threads) => [...threads].some((t) => t !== '0'));
}

/**
 * Module code that holds the main thread's first app (it takes one at once) while a worker starts on an app matching
 * `app` (a regexp source), when $HOLD_MAIN is set: so a test knows which apps the workers build. It waits without
 * blocking, as the main thread sends the workers their apps. At most 30 s.
 */
function holdMainUntilWorkerBuilds(app: string): string {
  return `const until = Date.now() + 30_000;
while (isMainThread && process.env.HOLD_MAIN && Date.now() < until && !/^[1-9]\\d* ${app}$/m.test(readFileSync(process.env.THREADS_LOG!, 'utf8'))) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
`;
}

/** The threads the apps were built on, by app name (thread 0 is the main thread). */
function threadsLogged(file: string): Map<string, Set<string>> {
  const threads = new Map<string, Set<string>>();
  for (const [thread, app] of readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' '))) threads.set(app, (threads.get(app) ?? new Set()).add(thread));
  return threads;
}

describe('parallel synth', () => {
  it('writes the example project byte for byte as a serial run does, the app built after the others included', async () => {
    p = makeProject({}, { copyExample: true });
    logEveryApp(p.root);
    const log = join(p.root, 'threads.log');
    const outcome = await withEnv({ THREADS_LOG: log }, () => expectSameAsSerial(p!.root, 3, { HOLD_MAIN: '1' }));
    expect(outcome.report.errors).toEqual([]);
    expect(outcome.results.some((r) => r.app === 'gitops-agent')).toBe(true);
    expect(builtOnWorkers(log)).toBe(true);
  });

  it('writes a generated project of many apps byte for byte as a serial run does', async () => {
    const { ours } = generateProjects(REPO_ROOT, 160); // 16 apps of 70 objects
    logEveryApp(ours);
    const log = join(ours, 'threads.log');
    const outcome = await withEnv({ THREADS_LOG: log }, () => expectSameAsSerial(ours, 2, { HOLD_MAIN: '1' }));
    expect(outcome.results).toHaveLength(16);
    expect(JSON.parse(readFileSync(join(ours, 'dist', 'bench.manifest.json'), 'utf8')).objects).toHaveLength(16 * 70);
    expect(builtOnWorkers(log)).toBe(true);
  });

  it('gives the same errors and warnings in the same order, exceptions on a worker (loading, in build()) mapped to their TS line', async () => {
    const apps: Record<string, string> = { 'apps/app-0.ts': loggingApp('app-0', '', holdMainUntilWorkerBuilds('app-9')) };
    for (let i = 1; i < 10; i++) apps[`apps/app-${i}.ts`] = loggingApp(`app-${i}`);
    apps['apps/app-7.ts'] = webApp('app-7', 'ghcr.io/acme/app-7:latest');
    apps['apps/app-8.ts'] = loggingApp('app-8', "new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } });")
      .replace("import { Chart } from 'cdk8s';", "import { ApiObject, Chart } from 'cdk8s';");
    apps['apps/app-6.ts'] = loggingApp('app-6', '', "throw new Error('app-6 will not load');");
    apps['apps/app-9.ts'] = loggingApp('app-9', "if (env.name === 'prod') throw new Error('no prod for app-9');");
    p = makeProject({ ...apps, 'threads.log': '' }, { config: BASIC_CONFIG.replace('external: {', "policies: { 'no-latest-image': 'warn' },\n  external: {") });
    const log = join(p.root, 'threads.log');
    const outcome = await withEnv({ THREADS_LOG: log }, () => expectSameAsSerial(p!.root, 3, { HOLD_MAIN: '1' }));
    expect(outcome.report.errors.find((e) => e.rule === 'app-threw')).toMatchObject({ app: 'app-9', env: 'prod', sourceFile: expect.stringMatching(/^apps\/app-9\.ts:\d+:\d+$/) });
    expect(outcome.report.errors.find((e) => e.rule === 'app-load')).toMatchObject({ app: 'app-6', sourceFile: expect.stringMatching(/^apps\/app-6\.ts:\d+:\d+$/), message: expect.stringContaining('app-6 will not load') });
    expect(outcome.report.errors.filter((e) => e.app === 'app-8').length).toBeGreaterThan(0);
    expect(outcome.report.warnings.map((w) => w.rule)).toContain('policy/no-latest-image');
    expect([...threadsLogged(log).get('app-9')!]).toEqual([expect.not.stringMatching(/^0$/), '0']); // on a worker, then serially on the main thread
  });

  it('fails only the app whose code stops its worker, naming it, and builds the others', async () => {
    const apps: Record<string, string> = { 'apps/app-0.ts': loggingApp('app-0', '', holdMainUntilWorkerBuilds('app-\\d')) };
    for (let i = 1; i < 8; i++) apps[`apps/app-${i}.ts`] = loggingApp(`app-${i}`, 'if (!isMainThread) process.exit(3);');
    p = makeProject({ ...apps, 'threads.log': '' });
    const outcome = await withEnv({ THREADS_LOG: join(p.root, 'threads.log'), HOLD_MAIN: '1' }, () => compile({ root: p!.root, typecheck: false, cache: false, jobs: 2, write: false }));
    expect(outcome.report.errors).toHaveLength(1);
    const [error] = outcome.report.errors;
    expect(error).toMatchObject({ rule: 'app-crashed', app: 'app-1', sourceFile: 'apps/app-1.ts' }); // the first app the worker took
    expect(error.message).toContain('process.exit(3)');
    expect([...new Set(outcome.results.map((r) => r.app))].sort()).toEqual(['app-0', 'app-2', 'app-3', 'app-4', 'app-5', 'app-6', 'app-7']);
  });

  it('fails an app that runs its worker out of memory, naming it, and builds the others', async () => {
    const apps: Record<string, string> = { 'apps/app-0.ts': loggingApp('app-0', '', holdMainUntilWorkerBuilds('app-\\d')) };
    const hoard = 'if (!isMainThread) { const hoard: number[][] = []; for (;;) hoard.push(new Array(1e5).fill(hoard.length)); }';
    for (let i = 1; i < 4; i++) apps[`apps/app-${i}.ts`] = loggingApp(`app-${i}`, hoard);
    p = makeProject({ ...apps, 'threads.log': '' });
    const outcome = await withEnv({ THREADS_LOG: join(p.root, 'threads.log'), HOLD_MAIN: '1' }, () => compile({ root: p!.root, typecheck: false, cache: false, jobs: 2, write: false }));
    expect(outcome.report.errors).toHaveLength(1);
    expect(outcome.report.errors[0]).toMatchObject({ rule: 'app-crashed', app: 'app-1', message: expect.stringContaining('ran out of memory') });
    expect([...new Set(outcome.results.map((r) => r.app))].sort()).toEqual(['app-0', 'app-2', 'app-3']);
  });
  it('names the file of an error a timer of an app throws on its worker after build() returned', async () => {
    const apps: Record<string, string> = { 'apps/app-0.ts': loggingApp('app-0', '', holdMainUntilWorkerBuilds('app-1')) };
    apps['apps/app-1.ts'] = loggingApp('app-1', "if (!isMainThread) setTimeout(() => { throw new Error('late for app-1'); }, 0);");
    for (let i = 2; i < 6; i++) apps[`apps/app-${i}.ts`] = loggingApp(`app-${i}`);
    p = makeProject({ ...apps, 'threads.log': '' });
    const outcome = await withEnv({ THREADS_LOG: join(p.root, 'threads.log'), HOLD_MAIN: '1' }, () => compile({ root: p!.root, typecheck: false, cache: false, jobs: 2, write: false }));
    expect(outcome.report.errors).toHaveLength(1);
    expect(outcome.report.errors[0]).toMatchObject({ rule: 'app-crashed', sourceFile: expect.stringMatching(/^apps\/app-1\.ts:\d+:\d+$/), message: expect.stringContaining('late for app-1') });
  });

  it('builds every app in the main thread when the values are not plain data, which a worker would get changed', async () => {
    const apps: Record<string, string> = {};
    for (let i = 0; i < 4; i++) apps[`apps/app-${i}.ts`] = loggingApp(`app-${i}`).replace("'.' + env.values.host", "'.' + (env.values as unknown as { hostOf(): string }).hostOf()");
    const config = BASIC_CONFIG.replace("host: 'example.com' }", "host: 'example.com', hostOf: () => 'example.com' }").replace("host: 'dev.example.com' }", "host: 'dev.example.com', hostOf: () => 'dev.example.com' }");
    p = makeProject({ ...apps, 'threads.log': '' }, { config });
    const log = join(p.root, 'threads.log');
    const outcome = await withEnv({ THREADS_LOG: log }, () => compile({ root: p!.root, typecheck: false, cache: false, jobs: 3 }));
    expect(outcome.report.errors).toEqual([]);
    expect(p.read('dist/prod/app-1/shop/ingress-app-1.yaml')).toContain('app-1.example.com');
    expect([...threadsLogged(log).values()].flatMap((threads) => [...threads])).toEqual(Array(4).fill('0'));
  });
  it('builds every app in the main thread when no worker can start', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    const config = await loadConfig(p.root);
    const entries = [{ name: 'web', sourceFile: 'apps/web.ts' }, { name: 'api', sourceFile: 'apps/api.ts' }];
    const bundles = await bundleEntries(p.root, entries.map((e) => ({ id: e.name, file: e.sourceFile })));
    const jobs = entries.map((entry) => ({ root: p!.root, entry, bundle: bundles.get(entry.name)!, envs: config.environments, known: [] }));
    const outcomes = await runSynthJobs(jobs, 3, join(p.root, 'no-typed-gitops-here')); // no bin/run-ts.js to start them with
    expect(outcomes.map((o) => (o.kind === 'built' ? o.fresh.map((r) => `${r.app} ${r.env} ${r.objects.length}`) : o.kind))).toEqual([['web dev 3', 'web prod 4'], ['api dev 3', 'api prod 4']]);
  });
});

describe('how many apps are built at once', () => {
  it('builds a few apps in the main thread, more on the cores the load leaves free beyond one, and as many as asked when asked', () => {
    const quiet = { cores: 2, load: 0.1 };
    expect(synthHands(1, undefined, quiet)).toBe(1);
    expect(synthHands(23, undefined, quiet)).toBe(1);
    expect(synthHands(40, undefined, quiet)).toBe(1); // one free core is left to esbuild, the collector and the writer
    expect(synthHands(40, undefined, { cores: 4, load: 0.1 })).toBe(3); // the main thread and two workers
    expect(synthHands(40, undefined, { cores: 4, load: 2.6 })).toBe(1); // the load leaves one core: none for a worker
    expect(synthHands(40, undefined, { cores: 2, load: 9 })).toBe(1);
    expect(synthHands(40, undefined, { cores: 64, load: 0 })).toBe(4); // memory: ~40 MB a worker
    expect(synthHands(40, 1, quiet)).toBe(1);
    expect(synthHands(3, 6, { cores: 2, load: 9 })).toBe(3); // as asked, up to one per app
  });

  it('refuses a count that is not a whole number of 1 or more, naming where it came from', () => {
    expect(() => parseJobs('0')).toThrow(/--jobs must be a whole number of 1 or more, not '0'/);
    expect(() => parseJobs('two', 'GITOPS_JOBS')).toThrow(/GITOPS_JOBS/);
    expect(parseJobs('4')).toBe(4);
  });
});

describe('gitops synth --jobs (CLI)', () => {
  function gitops(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('builds on workers with GITOPS_JOBS and writes what --jobs 1 writes', async () => {
    const apps = { 'apps/app-0.ts': loggingApp('app-0', '', holdMainUntilWorkerBuilds('app-\\d')), 'apps/app-1.ts': loggingApp('app-1'), 'apps/app-2.ts': loggingApp('app-2') };
    p = makeProject({ ...apps, 'threads.log': '' });
    const log = join(p.root, 'threads.log');
    const pooled = await gitops(['synth', '--root', p.root, '--no-typecheck'], { GITOPS_JOBS: '3', THREADS_LOG: log, HOLD_MAIN: '1' });
    expect(pooled).toMatchObject({ code: 0, stderr: '' });
    expect(builtOnWorkers(log)).toBe(true);
    const files = p.snapshot();
    p.remove('dist');
    expect(await gitops(['synth', '--root', p.root, '--no-typecheck', '--no-cache', '--jobs', '1'], { GITOPS_JOBS: '3', THREADS_LOG: log })).toMatchObject({ code: 0, stderr: '' });
    expect(p.snapshot()).toEqual(files);
  });

  it('refuses a count that is not a whole number, naming the flag or the variable', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web') });
    const flag = await gitops(['synth', '--root', p.root, '--no-typecheck', '--jobs', '0']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("--jobs must be a whole number of 1 or more, not '0'");
    const variable = await gitops(['synth', '--root', p.root, '--no-typecheck'], { GITOPS_JOBS: 'many' });
    expect(variable.code).toBe(1);
    expect(variable.stderr).toContain("GITOPS_JOBS must be a whole number of 1 or more, not 'many'");
  });
});
