// The synth cache: an unchanged app is not run again in a later process, a change to the app, to a
// module it imports, to its environment's values or to the installed packages runs it again,
// and the output is byte for byte what an uncached run writes.
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../compiler/compile.ts';
import { makeProject, webApp, BASIC_CONFIG, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

/** An app that appends a line to builds.log each time build() runs, so a test can count runs. */
function countingApp(name: string, importsHelper = false): string {
  return webApp(name)
    .replace("import type { Values } from '../gitops.config.ts';", `import type { Values } from '../gitops.config.ts';\nimport { appendFileSync } from 'node:fs';${importsHelper ? "\nimport { suffix } from '../shared/suffix.ts';" : ''}`)
    .replace('build(app, env) {', `build(app, env) {\n    appendFileSync(new URL('../builds.log', import.meta.url.replace('/.gitops-cache/bundles/', '/apps/')), '${name} ' + env.name + '\\n');`)
    .replace(`'${name}.' + env.values.host`, importsHelper ? `'${name}' + suffix + '.' + env.values.host` : `'${name}.' + env.values.host`);
}

describe('synth cache', () => {
  it('runs an unchanged app once across processes, and again when it, its imports or its values change', async () => {
    p = makeProject({ 'apps/web.ts': countingApp('web', true), 'apps/api.ts': countingApp('api'), 'shared/suffix.ts': "export const suffix = '-a';\n" });
    const runs = () => (existsSync(join(p!.root, 'builds.log')) ? readFileSync(join(p!.root, 'builds.log'), 'utf8').trim().split('\n').sort() : []);
    await compile({ root: p.root, typecheck: false });
    expect(runs()).toEqual(['api dev', 'api prod', 'web dev', 'web prod']);
    const first = p.snapshot();

    await compile({ root: p.root, typecheck: false }); // a new Compiler, as a new process would have
    expect(runs()).toHaveLength(4);
    expect(p.snapshot()).toEqual(first);

    p.write('shared/suffix.ts', "export const suffix = '-b';\n"); // only web imports it
    await compile({ root: p.root, typecheck: false });
    expect(runs().filter((r) => r.startsWith('web'))).toHaveLength(4);
    expect(runs().filter((r) => r.startsWith('api'))).toHaveLength(2);
    expect(p.read('dist/prod/web/shop/ingress-web.yaml')).toContain('web-b.example.com');

    p.write('gitops.config.ts', BASIC_CONFIG.replace("host: 'example.com'", "host: 'example.org'")); // prod values only
    await compile({ root: p.root, typecheck: false });
    expect(runs().filter((r) => r === 'api prod')).toHaveLength(2);
    expect(runs().filter((r) => r === 'api dev')).toHaveLength(1);
    expect(p.read('dist/prod/api/shop/ingress-api.yaml')).toContain('api.example.org');

    const uncached = p.snapshot();
    p.remove('dist');
    await compile({ root: p.root, typecheck: false, cache: false });
    expect(p.snapshot()).toEqual(uncached);
  });

  it('runs an app again when a project file it read changes, and not when an unrelated one does', async () => {
    const app = `import { ApiObject, Chart } from 'cdk8s';
import { defineApp, readSynthInput } from 'typed-gitops/lib';
export default defineApp({
  name: 'greeting',
  build(app) {
    const chart = new Chart(app, 'greeting', { namespace: 'shop' });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting' }, data: { text: readSynthInput('data/greeting.txt').toString('utf8') } });
  },
});
`;
    p = makeProject({ 'apps/greeting.ts': app, 'data/greeting.txt': 'hello', 'data/other.txt': 'x' });
    await compile({ root: p.root, typecheck: false });
    expect(p.read('dist/dev/greeting/shop/configmap-greeting.yaml')).toContain('text: hello');
    p.write('data/other.txt', 'y');
    p.write('data/greeting.txt', 'goodbye');
    await compile({ root: p.root, typecheck: false });
    expect(p.read('dist/dev/greeting/shop/configmap-greeting.yaml')).toContain('text: goodbye');
  });

  it('does not keep the results of an app that threw', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web').replace('build(app, env) {', "build(app, env) {\n    if (process.env.BREAK_WEB) throw new Error('broken');") });
    process.env.BREAK_WEB = '1';
    try {
      expect((await compile({ root: p.root, typecheck: false })).report.errors.map((e) => e.rule)).toContain('app-threw');
    } finally {
      delete process.env.BREAK_WEB;
    }
    expect((await compile({ root: p.root, typecheck: false })).report.errors).toEqual([]);
  });
});
