// Charts from a chart repository (index.yaml and archives made by `helm package` and `helm repo index`, served on
// loopback with basic auth) and from an OCI registry (distribution, on loopback): locked by archive digest, cached
// by digest so a locked chart renders with the server stopped, a republished chart refused until --update.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { helmApp, HELM_CONFIG, writeSmallChart } from './charts.ts';
import { gitops, helm, helmBinary, serveChartRepo, startRegistry, type ChartRepo, type Registry } from './servers.ts';

let helmPath: string;
const temp: string[] = [];
const tempDir = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); temp.push(d); return d; };
const projects: TestProject[] = [];

beforeAll(async () => {
  helmPath = await helmBinary();
}, 600_000);

afterAll(() => {
  for (const p of projects) p.cleanup();
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

/** Packages the small chart `name` at `version` with `marker` into `out`. */
async function packageChart(out: string, name: string, version: string, marker: string): Promise<void> {
  const src = tempDir('chart-src-');
  writeSmallChart(join(src, name), name, version, marker);
  mkdirSync(out, { recursive: true });
  await helm(helmPath, ['package', join(src, name), '--destination', out]);
}

function project(app: string): TestProject {
  const p = makeProject({ 'apps/settings.ts': app }, { config: HELM_CONFIG });
  projects.push(p);
  return p;
}

/** A `helm` that logs its command line to `log`, then runs the real one. */
function loggingHelm(log: string): string {
  const wrapper = join(tempDir('helm-wrapper-'), 'helm');
  writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec '${helmPath}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

const settings = (p: TestProject) => parse(p.read('dist/dev/settings/shop/configmap-settings-settings.yaml')) as { data: Record<string, string> };

describe('HelmChart from a chart repository', () => {
  const auth = { username: 'reader', password: 's3cret-chart-token' };
  let repoDir: string;
  let repo: ChartRepo;

  beforeAll(async () => {
    repoDir = tempDir('chart-repo-');
    const charts = join(repoDir, 'charts');
    await packageChart(charts, 'settings', '1.2.3', 'first');
    repo = await serveChartRepo(repoDir, auth);
    await helm(helmPath, ['repo', 'index', charts, '--url', repo.url]);
  });
  afterAll(() => repo?.close());

  it('locks the archive digest, renders from the cache with the repository stopped, and refuses a republished chart until --update', async () => {
    const p = project(helmApp('settings', `{ chart: 'settings', repo: '${'REPO'}', version: '1.2.3', values: { greeting: 'hi' }, auth: { usernameEnv: 'CHARTS_USER', passwordEnv: 'CHARTS_TOKEN' } }`).replace('REPO', repo.url));
    const cache = tempDir('helm-cache-');
    const env = { CHARTS_USER: auth.username, CHARTS_TOKEN: auth.password };
    const commandLines = join(tempDir('helm-log-'), 'helm.log');
    const run = (args: string[], extra: Record<string, string> = env) => gitops(p.root, args, cache, loggingHelm(commandLines), extra);

    const noCredentials = await run(['lock'], {});
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toContain('set the environment variable CHARTS_USER and CHARTS_TOKEN');

    const lock = await run(['lock']);
    expect(lock.stderr).toBe('');
    const key = `${repo.url}/settings@1.2.3`;
    expect(lock.stdout).toContain(`added    ${key}`);
    expect(repo.requests).toContain('/charts/settings-1.2.3.tgz');
    expect(repo.requests.filter((r) => r.includes('unauthorized'))).toEqual([]);
    expect(readFileSync(commandLines, 'utf8')).toContain('pull source/settings --version 1.2.3');
    expect(readFileSync(commandLines, 'utf8')).not.toContain(auth.password);
    const digest = JSON.parse(p.read('gitops.lock')).charts[key].digest as string;
    expect(readdirSync(join(cache, 'typed-gitops', 'charts'))).toEqual([`${digest.replace(':', '-')}.tgz`]);

    await repo.close();
    const offline = await run(['synth', '--no-typecheck', '--no-cache'], {});
    expect(offline.stderr).toBe('');
    expect(settings(p).data).toEqual({ marker: 'first', greeting: 'hi' });

    // The same version published again with other content; a machine without it in its cache fetches and refuses it.
    await packageChart(join(repoDir, 'charts'), 'settings', '1.2.3', 'second');
    repo = await serveChartRepo(repoDir, auth);
    await helm(helmPath, ['repo', 'index', join(repoDir, 'charts'), '--url', repo.url]);
    p.write('apps/settings.ts', p.read('apps/settings.ts').replace(/http:\/\/127\.0\.0\.1:\d+\/charts/, repo.url));
    p.write('gitops.lock', p.read('gitops.lock').replace(/http:\/\/127\.0\.0\.1:\d+\/charts/, repo.url));
    const freshCache = tempDir('helm-cache-');
    const refused = await gitops(p.root, ['synth', '--no-typecheck'], freshCache, helmPath, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`chart ${repo.url}/settings@1.2.3 changed: its digest is sha256:`);
    expect(refused.stderr).toContain('run `gitops lock --update`');
    const update = await gitops(p.root, ['lock', '--update'], freshCache, helmPath, env);
    expect(update.stdout).toContain(`updated  ${repo.url}/settings@1.2.3`);
    expect((await gitops(p.root, ['synth', '--no-typecheck'], freshCache, helmPath, {})).stderr).toBe('');
    expect(settings(p).data.marker).toBe('second');
  });

  it('names a version the repository does not have', async () => {
    const p = project(helmApp('settings', `{ chart: 'settings', repo: '${repo.url}', version: '9.9.9', auth: { usernameEnv: 'CHARTS_USER', passwordEnv: 'CHARTS_TOKEN' } }`));
    const lock = await gitops(p.root, ['lock'], tempDir('helm-cache-'), helmPath, { CHARTS_USER: auth.username, CHARTS_TOKEN: auth.password });
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain(`HelmChart 'settings' (${repo.url}/settings@9.9.9): chart ${repo.url}/settings@9.9.9 could not be fetched:`);
    expect(lock.stderr).toContain('9.9.9');
    expect(lock.stderr).not.toContain(auth.password);
  });
});

describe('HelmChart from an OCI registry', () => {
  const auth = { username: 'puller', password: 'oci-s3cret' };
  let registry: Registry;

  beforeAll(async () => {
    registry = await startRegistry(auth);
    const out = tempDir('oci-charts-');
    await packageChart(out, 'settings', '0.3.0', 'from-oci');
    const login = join(out, 'registry.json');
    writeFileSync(login, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } }));
    await helm(helmPath, ['push', join(out, 'settings-0.3.0.tgz'), `oci://${registry.host}/charts`, '--plain-http', '--registry-config', login]);
  }, 600_000);
  afterAll(() => registry?.stop());

  it('locks, caches and renders the chart of an oci:// reference, with credentials only in a file', async () => {
    const ref = `oci://${registry.host}/charts/settings`;
    const p = project(helmApp('settings', `{ chart: '${ref}', version: '0.3.0', plainHttp: true, auth: { usernameEnv: 'OCI_USER', passwordEnv: 'OCI_TOKEN' } }`));
    const cache = tempDir('helm-cache-');
    const commandLines = join(tempDir('helm-log-'), 'helm.log');
    const wrongPassword = await gitops(p.root, ['lock'], cache, helmPath, { OCI_USER: auth.username, OCI_TOKEN: 'wrong' });
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toContain(`chart ${ref}@0.3.0 could not be fetched:`);
    expect(wrongPassword.stderr).toMatch(/401|unauthorized/i);
    const lock = await gitops(p.root, ['lock'], cache, loggingHelm(commandLines), { OCI_USER: auth.username, OCI_TOKEN: auth.password });
    expect(lock.stderr).toBe('');
    expect(lock.stdout).toContain(`added    ${ref}@0.3.0`);
    expect(readFileSync(commandLines, 'utf8')).toContain(`pull ${ref} --version 0.3.0`);
    expect(readFileSync(commandLines, 'utf8')).not.toContain(auth.password);
    expect(p.read('imports/charts/settings.values.ts')).toContain('greeting?: "hello" | "hi";'); // from the archive's values.schema.json
    await registry.stop();
    const synth = await gitops(p.root, ['synth', '--no-typecheck', '--no-cache'], cache, helmPath);
    expect(synth.stderr).toBe('');
    expect(settings(p).data).toEqual({ marker: 'from-oci', greeting: 'hello' });
  });
});
