// Escape-hatch JSON patches (ApiObject.addJsonPatch) that land nowhere are reported: a warning naming the construct
// path and the patch path when the patched field is not in the output, an error (not "build() threw") when cdk8s
// cannot apply the patch at all. Warnings survive the synth cache.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

/** An app with a cdk8s-plus Deployment and a plain ConfigMap, and `patches` (TypeScript with `deployment` and `config` in scope). */
function patchedApp(patches: string): string {
  return `import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { defineApp } from 'typed-gitops/lib';
export default defineApp({
  name: 'web',
  build(app) {
    const chart = new Chart(app, 'web', { namespace: 'shop' });
    const deployment = new kplus.Deployment(chart, 'deployment', { metadata: { name: 'web' }, containers: [{ image: 'ghcr.io/acme/web:1.0.0', portNumber: 8080 }] });
    const config = new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } });
    ${patches}
  },
});
`;
}

const synth = (root: string) => compile({ root, typecheck: false, envs: ['dev'] });

describe('JSON patches that land nowhere', () => {
  it("warns about a cdk8s-plus Deployment's replace('/spec/replicass', 3), naming construct and path, also from the cache", async () => {
    p = makeProject({ 'apps/web.ts': patchedApp("ApiObject.of(deployment).addJsonPatch(JsonPatch.replace('/spec/replicass', 3));") });
    const outcome = await synth(p.root);
    expect(outcome.report.errors).toEqual([]);
    expect(outcome.report.warnings.map((w) => [w.rule, w.constructPath, w.object])).toEqual([['patch-lands-nowhere', 'web/deployment/Resource', 'Deployment shop/web']]);
    const [warning] = outcome.report.warnings;
    expect(warning.message).toBe("JSON patch replace /spec/replicass lands nowhere: the Deployment's output has no field there (the construct builds its output from the fields it knows)");
    expect(formatDiagnostic(warning)).toContain('warning patch-lands-nowhere: env dev app web apps/web.ts [web/deployment/Resource] Deployment shop/web');
    expect(p.read('dist/dev/web/shop/deployment-web.yaml')).not.toContain('replicass');

    const cached = await synth(p.root); // a new Compiler: the app's objects come from .gitops-cache/synth
    expect(cached.written?.written).toBe(0);
    expect(cached.report.warnings).toEqual(outcome.report.warnings);
  });

  it('is an error naming construct and patch, not "build() threw", when cdk8s cannot apply a patch', async () => {
    p = makeProject({ 'apps/web.ts': patchedApp("config.addJsonPatch(JsonPatch.add('/data/c', 'd'), JsonPatch.replace('/spec/x/y', 1));") });
    const outcome = await synth(p.root);
    expect(outcome.report.errors.map((e) => [e.rule, e.constructPath, e.message])).toEqual([
      ['patch-failed', 'web/config', 'JSON patch replace /spec/x/y cannot be applied: /spec/x is not in the object'],
    ]);
    expect(outcome.report.errors[0].object).toBe('ConfigMap shop/web');
    expect(outcome.report.errors[0].hint).toBe("Fix the path, or add /spec/x first (JsonPatch.add('/spec/x', {...})).");
  });

  it('warns about a remove of a field that is not there, and is silent about patches that land', async () => {
    p = makeProject({ 'apps/web.ts': patchedApp(`config.addJsonPatch(JsonPatch.add('/data/c', 'd'), JsonPatch.replace('/data/a', 'z'), JsonPatch.remove('/data/nope'));
    ApiObject.of(deployment).addJsonPatch(JsonPatch.replace('/spec/replicas', 4), JsonPatch.add('/spec/template/spec/containers/0/args', ['--fast']));`) });
    const outcome = await synth(p.root);
    expect(outcome.report.errors).toEqual([]);
    expect(outcome.report.warnings.map((w) => [w.constructPath, w.message])).toEqual([
      ['web/config', 'JSON patch remove /data/nope lands nowhere: there is no such field to remove'],
    ]);
    expect(p.read('dist/dev/web/shop/configmap-web.yaml')).toMatch(/a: z\n\s+c: d/);
    expect(p.read('dist/dev/web/shop/deployment-web.yaml')).toContain('replicas: 4');
    expect(p.read('dist/dev/web/shop/deployment-web.yaml')).toContain('- --fast');
  });
});
