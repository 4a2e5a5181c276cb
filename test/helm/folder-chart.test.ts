// A chart from a folder of the project, in the shapes real charts have (charts.ts), rendered by the real helm:
// objects, namespaces, hooks, lookup, capabilities, subchart and library chart; the lock; typed values; findings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { helmApp, HELM_CONFIG, writeShopChart } from './charts.ts';
import { gitops, helmBinary } from './servers.ts';

let helmPath: string;
let cache: string;
let project: TestProject;
const run = (...args: string[]) => gitops(project.root, args, cache, helmPath);
const dist = (path: string) => parse(project.read(`dist/dev/shop/${path}`)) as Record<string, any>;

beforeAll(async () => {
  helmPath = await helmBinary();
  cache = mkdtempSync(join(tmpdir(), 'helm-cache-'));
  project = makeProject({ 'apps/shop.ts': helmApp('shop', `{ chart: 'charts/shop', releaseName: 'store', apiVersions: ['monitoring.example.com/v1'], values: { replicas: env.values.replicas } }`) }, { config: HELM_CONFIG });
  writeShopChart(join(project.root, 'charts/shop'));
}, 600_000);

afterAll(() => {
  project?.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

describe('HelmChart from a project folder', () => {
  it('is refused until gitops lock pins it, naming the chart and the command', async () => {
    const synth = await run('synth', '--no-typecheck');
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain("HelmChart 'shop' (charts/shop): chart charts/shop is not in gitops.lock: run `gitops lock`");
  });

  it('gitops lock pins the folder and writes the values type; synth renders every object as its own', async () => {
    const lock = await run('lock');
    expect(lock.stderr).toBe('');
    expect(lock.stdout).toContain('added    charts/shop');
    expect(JSON.parse(project.read('gitops.lock')).charts['charts/shop'].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(project.read('imports/charts/shop.values.ts')).toContain('export interface ShopValues');
    expect((await run('lock')).stdout).toContain('0 added, 0 updated, 0 removed, 1 unchanged');

    const synth = await run('synth', '--no-typecheck');
    expect(synth.stderr).toBe('');
    const files = [...project.snapshot('dist/dev/shop').keys()].sort();
    expect(files).toEqual([
      '_cluster/clusterrole-store-reader.yaml',
      '_cluster/customresourcedefinition-widgets.example.com.yaml',
      'shop/configmap-store-cache.yaml', // the subchart
      'shop/configmap-store-facts.yaml',
      'shop/configmap-store-installed.yaml', // post-install hook
      'shop/configmap-store-second.yaml', // second document of one template
      'shop/deployment-store-web.yaml',
      'shop/job-store-migrate.yaml', // pre-install hook; the pre-delete Job and the test Pod are dropped
      'shop/service-store-web.yaml',
      'shop/widget-store.yaml', // a custom resource of the chart's own CRD
    ]);
    const deployment = dist('shop/deployment-store-web.yaml');
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'shop', 'typed-gitops.dev/app': 'shop', 'typed-gitops.dev/env': 'dev' });
    expect(deployment.metadata.namespace).toBe('shop');
    expect(deployment.spec.replicas).toBe(1);
    expect(dist('_cluster/customresourcedefinition-widgets.example.com.yaml').metadata.namespace).toBeUndefined();
    expect(dist('_cluster/clusterrole-store-reader.yaml').metadata.namespace).toBeUndefined();
    expect(dist('shop/configmap-store-facts.yaml').data).toEqual({ lookup: 'nothing', kubeVersion: 'v1.34.0', monitoring: 'true', namespace: 'shop', marker: 'one' });
    expect(dist('shop/job-store-migrate.yaml').metadata.annotations).toEqual({ 'typed-gitops.dev/sync-wave': '-1005', 'typed-gitops.dev/recreate': 'true' });
    expect(dist('shop/configmap-store-installed.yaml').metadata.annotations).toEqual({ 'typed-gitops.dev/sync-wave': '1000' });
    const manifest = JSON.parse(project.read('dist/dev.manifest.json')) as { objects: { name: string; constructPath: string }[] };
    expect(manifest.objects.find((o) => o.name === 'store-second')?.constructPath).toBe('shop/shop/shop:templates:facts.yaml#1');
  });

  it('the values type checks the values in the type-check', async () => {
    const typed = (replicas: string) => helmApp('shop', `{ chart: 'charts/shop', releaseName: 'store', values: { replicas: ${replicas}, image: { tag: '2.0.1' } } }`, "import type { ShopValues } from '../imports/charts/shop.values.ts';")
      .replace('new HelmChart(', 'new HelmChart<ShopValues>(');
    project.write('apps/shop.ts', typed("'three'"));
    const wrong = await run('synth');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/apps\/shop\.ts:\d+.*\n.*'string' is not assignable to type 'number'/);
    project.write('apps/shop.ts', typed('3'));
    const right = await run('synth');
    expect(right.stderr).toBe('');
    expect(dist('shop/deployment-store-web.yaml').spec.replicas).toBe(3);
  });

  it('a finding in a rendered object names the chart, the template and the document', async () => {
    project.write('apps/shop.ts', helmApp('shop', `{ chart: 'charts/shop', releaseName: 'store', values: { brokenPort: true } }`));
    const synth = await run('synth', '--no-typecheck');
    expect(synth.code).toBe(1);
    expect(synth.stderr).toMatch(/error schema: .*\[shop\/shop\/shop:templates:service\.yaml#0\] Service shop\/store-web/);
  });

  it('a changed chart folder is refused until gitops lock --update', async () => {
    project.write('apps/shop.ts', helmApp('shop', `{ chart: 'charts/shop', releaseName: 'store' }`));
    writeShopChart(join(project.root, 'charts/shop'), '1.0.0', 'two');
    const synth = await run('synth', '--no-typecheck');
    expect(synth.code).toBe(1);
    expect(synth.stderr).toMatch(/chart charts\/shop changed: its digest is sha256:\w+, gitops.lock pins sha256:\w+; run `gitops lock --update`/);
    const lock = await run('lock');
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain('chart charts/shop changed');
    expect((await run('lock', '--update')).stdout).toContain('updated  charts/shop');
    expect((await run('synth', '--no-typecheck')).stderr).toBe('');
    expect(dist('shop/configmap-store-facts.yaml').data.marker).toBe('two');
  });

  it("a template helm cannot render fails gitops lock with helm's message, naming the chart, and writes nothing", async () => {
    const before = project.read('gitops.lock');
    project.write('charts/shop/templates/broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.nothing.here }}\n');
    const lock = await run('lock', '--update');
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain("HelmChart 'shop' (charts/shop): helm template: shop/templates/broken.yaml:4:18");
    expect(lock.stderr).toContain('nil pointer evaluating interface {}.here');
    expect(lock.stderr).toContain('nothing written');
    expect(project.read('gitops.lock')).toBe(before);
    project.remove('charts/shop/templates/broken.yaml');
  });

  it('a dependency missing from charts/ is named with the command that fetches it', async () => {
    const chart = project.read('charts/shop/Chart.yaml');
    project.write('charts/shop/Chart.yaml', `${chart}  - name: redis\n    version: 20.0.0\n    repository: https://charts.example.com\n`);
    const lock = await run('lock', '--update');
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain('missing in charts/ directory: redis; run `helm dependency build charts/shop` and commit its charts/ folder');
    project.write('charts/shop/Chart.yaml', chart);
  });
});
