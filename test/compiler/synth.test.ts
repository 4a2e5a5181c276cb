// End-to-end tests of `gitops synth` on real project folders: output layout, manifest,
// determinism, filters, type-check, app errors, and that a failed run leaves dist/ as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

const projects: TestProject[] = [];
const project = (...args: Parameters<typeof makeProject>) => {
  const p = makeProject(...args);
  projects.push(p);
  return p;
};
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

const messages = (outcome: Awaited<ReturnType<typeof compile>>) => outcome.report.errors.map(formatDiagnostic).join('\n');

describe('synth of the example apps', () => {
  it('passes validation and writes one file per object with a manifest', async () => {
    const p = project({}, { copyExample: true });
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(messages(outcome)).toBe('');
    const files = p.snapshot();
    expect([...files.keys()]).toContain('prod/web/shop/deployment-storefront.yaml');
    expect([...files.keys()]).toContain('prod/web/shop/horizontalpodautoscaler-storefront.yaml');
    expect([...files.keys()]).toContain('dev/namespaces/_cluster/namespace-shop.yaml');
    expect([...files.keys()]).toContain('prod/redis/data/statefulset-redis.yaml');
    expect([...files.keys()]).toContain('dev/reports/ops/cronjob-nightly-sales.yaml');
    // dev runs fixed replicas without an HPA; prod autoscales
    expect(files.has('dev/web/shop/horizontalpodautoscaler-storefront.yaml')).toBe(false);

    const manifest = JSON.parse(files.get('prod.manifest.json')!);
    const objectFiles = [...files.keys()].filter((f) => f.startsWith('prod/') && f.endsWith('.yaml'));
    expect(manifest.objects).toHaveLength(objectFiles.length);
    for (const entry of manifest.objects) {
      const text = files.get(`prod/${entry.path}`)!;
      expect(createHash('sha256').update(text).digest('hex')).toBe(entry.sha256);
      expect(entry.sourceFile).toMatch(entry.app === 'legacy' ? /^manifests\/legacy\/[a-z-]+\.yaml#\d+$/ : new RegExp(`^apps/${entry.app}\\.ts$`)); // included: file#document
      expect(entry.constructPath).toMatch(/\//);
    }
    // dist/prod holds only objects (kubectl -R -f dist/prod reads each one), each with its owner labels
    for (const [path, text] of [...files].filter(([f]) => f.startsWith('prod/'))) {
      expect(path).toMatch(/\.yaml$/);
      expect(parse(text).metadata.labels).toMatchObject({ 'typed-gitops.dev/app': path.split('/')[1], 'typed-gitops.dev/env': 'prod' });
    }
    // pod templates keep their own labels: ours there would restart pods and change selectors
    expect(parse(files.get('prod/web/shop/deployment-storefront.yaml')!).spec.template.metadata.labels).not.toHaveProperty('typed-gitops.dev/env');
  });

  it('writes keys sorted with apiVersion, kind and metadata first', async () => {
    const p = project({ 'apps/web.ts': webApp('web') });
    expect(messages(await compile({ root: p.root, typecheck: false }))).toBe('');
    const text = p.read('dist/dev/web/shop/deployment-web.yaml');
    expect(text.split('\n').slice(0, 3).map((l) => l.split(':')[0])).toEqual(['apiVersion', 'kind', 'metadata']);
    const spec = parse(text).spec;
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
  });
});

describe('determinism', () => {
  it('gives the same bytes across two runs and two checkout paths', async () => {
    const a = project({}, { copyExample: true });
    const b = project({}, { copyExample: true });
    await compile({ root: a.root, typecheck: false });
    const first = a.snapshot();
    a.remove('dist');
    a.remove('.gitops-cache');
    await compile({ root: a.root, typecheck: false });
    await compile({ root: b.root, typecheck: false });
    expect(a.snapshot()).toEqual(first);
    expect(b.snapshot()).toEqual(first);
    expect(first.size).toBeGreaterThan(20);
  });
});

describe('filters', () => {
  it('--env writes only that environment', async () => {
    const p = project({ 'apps/web.ts': webApp('web') });
    const outcome = await compile({ root: p.root, envs: ['prod'], typecheck: false });
    expect(messages(outcome)).toBe('');
    expect([...p.snapshot().keys()].every((f) => f.startsWith('prod/') || f === 'prod.manifest.json')).toBe(true);
  });

  it('--app rewrites only that app and keeps the rest of the manifest', async () => {
    const p = project({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    await compile({ root: p.root, typecheck: false });
    const before = p.snapshot();
    p.write('apps/web.ts', webApp('web', 'ghcr.io/acme/web:1.1.0'));
    p.write('apps/api.ts', webApp('api', 'ghcr.io/acme/api:9.9.9')); // changed too, but not selected
    const outcome = await compile({ root: p.root, apps: ['web'], typecheck: false });
    expect(messages(outcome)).toBe('');
    const after = p.snapshot();
    expect(after.get('dev/web/shop/deployment-web.yaml')).toContain('web:1.1.0');
    expect(after.get('dev/api/shop/deployment-api.yaml')).toBe(before.get('dev/api/shop/deployment-api.yaml'));
    const apps = new Set(JSON.parse(after.get('dev.manifest.json')!).objects.map((o: { app: string }) => o.app));
    expect(apps).toEqual(new Set(['web', 'api']));
  });

  it('names an unknown environment or app', async () => {
    const p = project({ 'apps/web.ts': webApp('web') });
    await expect(compile({ root: p.root, envs: ['staging'], typecheck: false })).rejects.toThrow(/unknown environment staging/);
    await expect(compile({ root: p.root, apps: ['nope'], typecheck: false })).rejects.toThrow(/unknown app nope/);
  });

  it('removes the files of an app that was deleted', async () => {
    const p = project({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    await compile({ root: p.root, typecheck: false });
    p.remove('apps/api.ts');
    await compile({ root: p.root, typecheck: false });
    expect([...p.snapshot().keys()].some((f) => f.includes('/api/'))).toBe(false);
    expect(existsSync(join(p.root, 'dist/dev/api'))).toBe(false);
  });
});

describe('errors', () => {
  it('maps an exception in app code to the TS line and leaves dist/ untouched', async () => {
    const p = project({ 'apps/web.ts': webApp('web') });
    await compile({ root: p.root, typecheck: false });
    const before = p.snapshot();
    p.write('apps/web.ts', webApp('web').replace("build(app, env) {", "build(app, env) {\n    if (env.name === 'prod') throw new Error('no prod for you');"));
    const outcome = await compile({ root: p.root, typecheck: false });
    const [error] = outcome.report.errors;
    expect(error).toMatchObject({ rule: 'app-threw', env: 'prod', app: 'web', sourceFile: 'apps/web.ts:7:36' }); // the `throw` on the line we added
    expect(error.message).toContain('no prod for you');
    expect(p.snapshot()).toEqual(before);
  });

  it('reports a type error with file and line, and --no-typecheck skips it', async () => {
    const p = project({ 'apps/web.ts': webApp('web').replace('replicas: env.values.replicas', "replicas: 'three'") });
    const checked = await compile({ root: p.root });
    const typeErrors = checked.report.errors.filter((e) => e.rule === 'typecheck');
    expect(typeErrors).toEqual([expect.objectContaining({ sourceFile: expect.stringMatching(/^apps\/web\.ts:8:\d+$/) })]);
    expect(typeErrors[0].message).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);
    expect(existsSync(join(p.root, 'dist'))).toBe(false);
    const unchecked = await compile({ root: p.root, typecheck: false });
    expect(unchecked.report.errors.map((e) => e.rule)).not.toContain('typecheck');
  });

  it('refuses an app whose name does not match its file, and a module without defineApp', async () => {
    const p = project({ 'apps/web.ts': webApp('frontend'), 'apps/other.ts': 'export const x = 1;\n' });
    const outcome = await compile({ root: p.root, typecheck: false });
    const text = messages(outcome);
    expect(text).toContain("the app is named 'frontend' but its file is named 'web'");
    expect(text).toContain('apps/other.ts');
    expect(text).toContain('no `export default defineApp');
  });

  it('names the config key that is wrong', async () => {
    const p = project({ 'apps/web.ts': webApp('web') }, {
      config: `export default { environments: { dev: { values: {}, polices: {} } }, outdir: 'x', agent: { prune: 'yes' } };\n`,
    });
    const error = await compile({ root: p.root, typecheck: false }).catch((e) => e);
    expect(error.message).toContain('environments.dev.polices: unknown key');
    expect(error.message).toContain('outdir: unknown key');
    expect(error.message).toContain('agent.prune: must be true or false');
  });

  it('collects every error before failing', async () => {
    const p = project({
      'apps/a.ts': webApp('a').replace('build(app, env) {', "build(app, env) {\n    throw new Error('a broke');"),
      'apps/b.ts': webApp('b').replace('build(app, env) {', "build(app, env) {\n    throw new Error('b broke');"),
    });
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors.filter((e) => e.rule === 'app-threw')).toHaveLength(4); // 2 apps x 2 envs
  });
});
