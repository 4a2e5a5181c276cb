// `gitops import` of CRDs the tests write (test/import/edge-crds.ts): the generated classes type-check and
// synth, custom resources are checked against the imported schemas, the output is deterministic, and a
// later import of the same group merges into it.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { runImport } from '../../compiler/import/import-command.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { EDGE_GROUP, edgeCrds } from '../import/edge-crds.ts';

const projects: TestProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

function project(files: Record<string, string> = {}): TestProject {
  const p = makeProject({ 'crds/widgets.yaml': edgeCrds().map((c) => stringify(c)).join('---\n'), ...files });
  projects.push(p);
  return p;
}

const importEdge = (p: TestProject) => runImport({ root: p.root, sources: [join(p.root, 'crds')] });

const widgetApp = (spec: string, extra = '') => `import { Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
import { Widget, WidgetSpec, WidgetV1Beta1 } from '../imports/${EDGE_GROUP}.ts';
export default defineApp({
  name: 'widgets',
  build(app) {
    const chart = new Chart(app, 'widgets', { namespace: 'shop' });
    new Widget(chart, 'w', { metadata: { name: 'w' }, spec: ${spec} });
    new WidgetV1Beta1(chart, 'old', { metadata: { name: 'old' }, spec: { size: 2 } });
    new WidgetSpec(chart, 'cluster-wide', { metadata: { name: 'cluster-wide', namespace: undefined }, spec: { size: 1 } });
    ${extra}
  },
});
`;

const GOOD_SPEC = `{
  port: 'http', target: 3, modes: ['fast'], pairs: ['c'], labels: { a: 'b' }, limits: { cpu: { max: 2 } },
  source: { git: 'https://example.com/repo.git' }, default: 'd', class: 'c', 'odd-name.with/chars': 'x', '2fa': true, note: null,
  config: { any: { thing: 1 } }, anything: [1, 'two'], template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: 'v' } },
  deep: { next: { next: { next: {} } } },
}`;

const errors = (outcome: Awaited<ReturnType<typeof compile>>) => outcome.report.errors.map(formatDiagnostic).join('\n');

describe('gitops import (CRDs the tests write)', () => {
  it('writes one module and one schemas file per group, the same bytes from the same CRDs in another order and form', async () => {
    const p = project();
    const result = await importEdge(p);
    expect(result.groups.map((g) => [g.group, g.kinds])).toEqual([[EDGE_GROUP, ['Widget (v1, v1beta1)', 'WidgetSpec (v1)']]]);
    const first = p.snapshot('imports');
    expect([...first.keys()]).toEqual([`${EDGE_GROUP}.schemas.json`, `${EDGE_GROUP}.ts`]);
    const module = first.get(`${EDGE_GROUP}.ts`)!;
    expect(module).toContain('export class Widget extends cdk8s.ApiObject');
    expect(module).toContain('export class WidgetV1Beta1 extends cdk8s.ApiObject');
    expect(module).not.toContain('V1Alpha1'); // not served
    expect(module).toContain('readonly port: number | string;');
    expect(module).toContain('* A second line with *\\/ in it.');

    // JSON, keys in reverse order, CRDs in reverse order, two files: the same bytes.
    const reversed = (v: unknown): unknown => Array.isArray(v) ? v.map(reversed)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    p.remove('imports');
    p.remove('crds');
    edgeCrds().reverse().forEach((c, i) => p.write(`crds/${i}.json`, JSON.stringify(reversed(c))));
    await importEdge(p);
    expect(p.snapshot('imports')).toEqual(first);
  });

  it('generates classes that type-check and synth, and synth checks the custom resources against the imported schemas', async () => {
    const p = project({ 'apps/widgets.ts': widgetApp(GOOD_SPEC) });
    await importEdge(p);
    const outcome = await compile({ root: p.root });
    expect(errors(outcome)).toBe('');
    expect(outcome.report.warnings.map(formatDiagnostic).join('\n')).not.toMatch(/unchecked/);
    const widget = p.read('dist/dev/widgets/shop/widget-w.yaml');
    expect(widget).toMatch(/^apiVersion: edge.example.com\/v1\nkind: Widget\n/);
    expect(widget).toContain('odd-name.with/chars: x');
    expect(p.read('dist/dev/widgets/shop/widget-old.yaml')).toMatch(/^apiVersion: edge.example.com\/v1beta1\n/);
  });

  it('a wrong field type is a type error, and a schema finding naming the object, app and file without the type-check', async () => {
    const p = project({ 'apps/widgets.ts': widgetApp(`{ port: true }`) });
    await importEdge(p);
    const typed = await compile({ root: p.root, write: false });
    expect(typed.report.errors.filter((e) => e.rule === 'typecheck').map((e) => `${e.sourceFile} ${e.message}`).join('\n'))
      .toMatch(/apps\/widgets\.ts:\d+:\d+ TS2322: Type 'boolean' is not assignable to type 'string \| number'/);
    const untyped = await compile({ root: p.root, typecheck: false, write: false });
    const schema = untyped.report.errors.filter((e) => e.rule === 'schema');
    expect(schema).toHaveLength(2); // dev and prod
    expect(schema[0]).toMatchObject({ app: 'widgets', sourceFile: 'apps/widgets.ts', object: 'Widget shop/w' });
    expect(schema[0]!.message).toMatch(/^spec\.port: /);
  });

  it('reports a version the imported CRD does not serve, naming the schemas file', async () => {
    const p = project({ 'apps/widgets.ts': widgetApp(`{ port: 1 }`, `new Widget(chart, 'alpha', { metadata: { name: 'alpha' }, spec: { port: 1 } }).addJsonPatch(JsonPatch.replace('/apiVersion', '${EDGE_GROUP}/v1alpha1'));`).replace("import { Chart } from 'cdk8s';", "import { Chart, JsonPatch } from 'cdk8s';") });
    await importEdge(p);
    const outcome = await compile({ root: p.root, typecheck: false, write: false });
    expect(errors(outcome)).toContain(`${EDGE_GROUP}/v1alpha1 is not served by CustomResourceDefinition widgets.${EDGE_GROUP} (imported in imports/${EDGE_GROUP}.schemas.json) (served: v1, v1beta1)`);
  });

  it('a schemas file that is not one stops synth, naming it', async () => {
    const p = project({ 'apps/widgets.ts': widgetApp(`{ port: 1 }`) });
    await importEdge(p);
    p.write(`imports/${EDGE_GROUP}.schemas.json`, '{"group": ');
    await expect(compile({ root: p.root, typecheck: false, write: false })).rejects.toThrow(/^is not JSON: /);
    await expect(compile({ root: p.root, typecheck: false, write: false })).rejects.toMatchObject({ subject: { file: `imports/${EDGE_GROUP}.schemas.json` } });
  });

  it('a CRD in the rendered set wins over the imported schema', async () => {
    // The set's own Widget CRD says port is a string: 8080 passes the imported schema, not the set's.
    const setCrd = { ...edgeCrds()[0]!, spec: { ...(edgeCrds()[0]!.spec as object), versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { port: { type: 'string' } } } } } } }, { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] } };
    const include = `new ApiObject(chart, 'crd', ${JSON.stringify(setCrd)});`;
    const p = project({ 'apps/widgets.ts': widgetApp(`{ port: 8080 }`, include).replace("import { Chart } from 'cdk8s';", "import { ApiObject, Chart } from 'cdk8s';") });
    await importEdge(p);
    const outcome = await compile({ root: p.root, typecheck: false, write: false });
    expect(outcome.report.errors.map((e) => `${e.object}: ${e.message}`)).toEqual(['Widget shop/w: spec.port: must be string', 'Widget shop/w: spec.port: must be string']);
  });

  it('imports a very large schema in bounded time', async () => {
    // 3,000 object fields of 30 fields each (93,000 schema nodes, 45 times prometheus-operator's largest).
    const field = { type: 'object', description: 'A field.', properties: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, { type: 'string', description: `Field ${i}.` }])) };
    const spec = { type: 'object', properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`group${i}`, field])) };
    const crd = { ...edgeCrds()[1]!, spec: { ...(edgeCrds()[1]!.spec as object), versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }] } };
    const p = makeProject({ 'big.json': JSON.stringify(crd) });
    projects.push(p);
    const start = performance.now();
    await runImport({ root: p.root, sources: [join(p.root, 'big.json')] });
    const seconds = (performance.now() - start) / 1000;
    console.log(`import of a 93,000-node schema: ${seconds.toFixed(2)} s, ${(p.read(`imports/${EDGE_GROUP}.ts`).length / 1e6).toFixed(1)} MB of TypeScript`);
    expect(seconds).toBeLessThan(20);
    expect(p.read(`imports/${EDGE_GROUP}.ts`)).toContain('export interface WidgetSpecSpecGroup2999 {');
  });

  it('a later import of the same group replaces the kinds it brings and keeps the others', async () => {
    const p = project();
    await importEdge(p);
    const [widget, widgetSpec] = edgeCrds();
    const changed = { ...widgetSpec!, spec: { ...(widgetSpec!.spec as object), versions: [{ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { colour: { type: 'string' } } } } } } }] } };
    p.write('more/widgetspec.yaml', stringify(changed));
    const result = await runImport({ root: p.root, sources: [join(p.root, 'more/widgetspec.yaml')] });
    expect(result.groups[0]!.kinds).toEqual(['WidgetSpec (v2)']);
    const module = p.read(`imports/${EDGE_GROUP}.ts`);
    expect(module).toContain('export class Widget extends');
    expect(module).toContain(`apiVersion: "${EDGE_GROUP}/v2", kind: "WidgetSpec"`);
    expect(module).not.toContain(`apiVersion: "${EDGE_GROUP}/v1", kind: "WidgetSpec"`);
    expect(JSON.parse(p.read(`imports/${EDGE_GROUP}.schemas.json`)).crds.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual([(widget!.metadata as { name: string }).name, `widgetspecs.${EDGE_GROUP}`]);
    expect(readdirSync(join(p.root, 'imports')).sort()).toEqual([`${EDGE_GROUP}.schemas.json`, `${EDGE_GROUP}.ts`]); // no leftovers
  });
});
