// Include: objects from YAML/JSON files and folders of the project, validated and owned like constructed ones,
// with the file and document in every finding, typed per-environment changes, and a bad file reported as such.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { BASIC_CONFIG, makeProject, webApp, type TestProject } from '../helpers/project.ts';
import { CONFIGMAP, DEPLOYMENT, includeApp, SERVICE_LIST } from './include-fixtures.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

describe('Include of project files', () => {
  it('renders every object of a folder (sorted, multi-document, Lists unwrapped, empty documents skipped), changed per environment', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy', `include.find({ kind: 'Deployment', name: 'web' }).set(['spec', 'replicas'], env.values.replicas).addLabels({ tier: env.name });
    if (env.name === 'prod') include.drop({ kind: 'ConfigMap', name: 'web-config' });`),
      'manifests/legacy/a.yaml': `${CONFIGMAP}---\n# nothing here\n---\n${DEPLOYMENT}`,
      'manifests/legacy/z/services.json': SERVICE_LIST,
      'manifests/legacy/README.md': 'not a manifest',
    });
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    const dev = p.read('dist/dev/legacy/shop/deployment-web.yaml');
    expect(dev).toContain('replicas: 1');
    expect(dev).toContain('tier: dev');
    expect(dev).toContain('emptyDir: {}');
    expect(p.read('dist/prod/legacy/shop/deployment-web.yaml')).toContain('replicas: 3');
    expect(p.read('dist/dev/legacy/shop/service-web.yaml')).toContain('targetPort: 8080');
    expect(p.read('dist/dev/legacy/shop/configmap-web-config.yaml')).toContain('greeting: hello');
    expect(Object.keys(Object.fromEntries(p.snapshot('dist/prod')))).not.toContain('legacy/shop/configmap-web-config.yaml');
    const manifest = JSON.parse(p.read('dist/dev.manifest.json')) as { objects: { kind: string; sourceFile: string; constructPath: string }[] };
    expect(manifest.objects.map((o) => [o.kind, o.sourceFile])).toEqual([
      ['ConfigMap', 'manifests/legacy/a.yaml#0'], ['Deployment', 'manifests/legacy/a.yaml#2'], ['Service', 'manifests/legacy/z/services.json#0.items[0]'],
    ]);
  });

  it('checks included objects like constructed ones, each finding naming the file and document', async () => {
    const config = BASIC_CONFIG.replace("external: { namespaces: ['shop'] },", "external: { namespaces: ['shop'] },\n  policies: { 'no-latest-image': 'error' },");
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy'),
      'manifests/legacy/web.yaml': `${CONFIGMAP}---\n${DEPLOYMENT.replace('replicas: 1', 'replicas: three').replace('legacy:1.2.3', 'legacy:latest')}`,
      'manifests/legacy/service.yaml': SERVICE_LIST.replace('legacy-web', 'nothing'),
    }, { config });
    const outcome = await compile({ root: p.root, typecheck: false });
    const dev = outcome.report.errors.filter((e) => e.env === 'dev');
    expect(dev.map((e) => [e.rule, e.sourceFile])).toEqual(expect.arrayContaining([
      ['schema', 'manifests/legacy/web.yaml#1'],
      ['policy/no-latest-image', 'manifests/legacy/web.yaml#1'],
    ]));
    const references = [...outcome.report.errors, ...outcome.report.warnings].filter((e) => e.env === 'dev' && e.object === 'Service shop/web');
    expect(references.map((e) => e.sourceFile)).toEqual(['manifests/legacy/service.yaml#0.items[0]']);
    expect(formatDiagnostic(dev.find((e) => e.rule === 'schema')!)).toMatch(/^error schema: env dev app legacy manifests\/legacy\/web\.yaml#1 \[legacy\/legacy\/Deployment-web\] Deployment shop\/web\n/);
  });

  it('reports bad YAML at file:line for its app only; the other apps still synthesize', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy'),
      'apps/web.ts': webApp('web'),
      'manifests/legacy/a.yaml': CONFIGMAP,
      'manifests/legacy/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\ndata: [1, 2\n',
    });
    const outcome = await compile({ root: p.root, typecheck: false, write: false });
    const errors = outcome.report.errors.filter((e) => e.env === 'dev');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'include', app: 'legacy', sourceFile: expect.stringMatching(/^manifests\/legacy\/b\.yaml:\d+$/) });
    expect(errors[0].message).toContain('manifests/legacy/b.yaml:');
    expect(errors[0].message).not.toContain('build() threw');
    expect(outcome.results.find((r) => r.app === 'web' && r.env === 'dev')?.objects.length).toBeGreaterThan(0);
  });

  it('refuses documents that are no object, and objects without a name, naming file#index', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/one.yaml'),
      'manifests/one.yaml': `${CONFIGMAP}---\n- a list\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { generateName: x- }\n`,
    });
    const [error] = (await compile({ root: p.root, typecheck: false, write: false, envs: ['dev'] })).report.errors;
    expect(error.rule).toBe('include');
    expect(error.message).toContain('manifests/one.yaml#1: the document is a list, not a Kubernetes object');
    expect(error.message).toContain('manifests/one.yaml#2: the ConfigMap has no metadata.name');
    p.write('manifests/one.yaml', `${CONFIGMAP}---\n${CONFIGMAP}`);
    const [twice] = (await compile({ root: p.root, typecheck: false, write: false, envs: ['dev'] })).report.errors;
    expect([twice.sourceFile, twice.message]).toEqual(['manifests/one.yaml#1', 'Include of manifests/one.yaml: manifests/one.yaml#1 and manifests/one.yaml#0 both define ConfigMap web-config']);
    p.write('manifests/one.yaml', '- x\n---\n'.repeat(30));
    const [many] = (await compile({ root: p.root, typecheck: false, write: false, envs: ['dev'] })).report.errors;
    expect(many.message).toMatch(/manifests\/one\.yaml#9: the document is a list, not a Kubernetes object; … 20 more$/);
  });

  it('refuses a path outside the project, one that is not there, and a file larger than maxBytes', async () => {
    p = makeProject({
      'apps/outside.ts': includeApp('outside', '../../package.json'),
      'apps/missing.ts': includeApp('missing', 'manifests/nope'),
      'apps/big.ts': includeApp('big', "{ path: 'manifests/big.yaml', maxBytes: 100 }"),
      'manifests/big.yaml': CONFIGMAP.repeat(5),
    });
    const errors = (await compile({ root: p.root, typecheck: false, write: false, envs: ['dev'] })).report.errors;
    expect(Object.fromEntries(errors.map((e) => [e.app, [e.rule, e.message]]))).toEqual({
      outside: ['include', "Include path '../../package.json' is not inside the project"],
      missing: ['include', "Include path 'manifests/nope' does not exist"],
      big: ['include', `manifests/big.yaml is ${CONFIGMAP.length * 5} bytes, more than the 100 an Include reads`],
    });
  });

  it('names the selector and the included path when a selector matches nothing, and a path that is not there', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy', "include.find({ kind: 'Deployment', name: 'wbe' }).set(['spec', 'replicas'], 2);"),
      'apps/other.ts': includeApp('other', 'manifests/other', "include.find({ kind: 'Deployment', name: 'web' }).remove(['spec', 'paused']);"),
      'apps/third.ts': includeApp('third', 'manifests/third.yaml', "include.drop({ kind: 'Secret', name: 'db' });"),
      'manifests/legacy/a.yaml': DEPLOYMENT,
      'manifests/other/a.yaml': DEPLOYMENT,
      'manifests/third.yaml': CONFIGMAP,
    });
    const errors = (await compile({ root: p.root, typecheck: false, write: false, envs: ['dev'] })).report.errors;
    const legacy = errors.find((e) => e.app === 'legacy')!;
    expect(legacy).toMatchObject({ rule: 'include', sourceFile: expect.stringMatching(/^apps\/legacy\.ts:\d+:\d+$/) });
    expect(legacy.message).toBe('Include of manifests/legacy: selector {"kind":"Deployment","name":"wbe"} matches no included object');
    expect(legacy.hint).toBe('Included Deployments: Deployment shop/web.');
    const other = errors.find((e) => e.app === 'other')!;
    expect(other.message).toBe('manifests/other/a.yaml#0 (Deployment web): cannot change spec.paused: spec.paused is not in the object');
    const third = errors.find((e) => e.app === 'third')!;
    expect([third.message, third.hint]).toEqual(['Include of manifests/third.yaml: selector {"kind":"Secret","name":"db"} matches no included object', 'manifests/third.yaml includes no Secret.']);
  });

  it('type-checks changes to a known kind: a misspelt field or a value of the wrong type is a type error at its line', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy', `const web = include.find({ kind: 'Deployment', name: 'web' });
    web.set(['spec', 'replicas'], env.values.replicas).set(['spec', 'template', 'spec', 'containers', 0, 'image'], 'ghcr.io/acme/legacy:2.0.0');
    web.set(['spec', 'replicass'], 3);
    web.set(['spec', 'replicas'], 'three');
    include.find({ kind: 'Widget', name: 'w' }).set(['spec', 'anything', 'goes'], { at: 'all' });`),
      'manifests/legacy/a.yaml': `${DEPLOYMENT}---\napiVersion: acme.dev/v1\nkind: Widget\nmetadata: { name: w }\n`,
    });
    const errors = (await compile({ root: p.root, write: false, envs: ['dev'] })).report.errors.filter((e) => e.rule === 'typecheck');
    expect(errors.map((e) => e.sourceFile?.replace(/:\d+$/, ''))).toEqual(['apps/legacy.ts:11', 'apps/legacy.ts:12']);
    expect(errors[0].message).toContain(`'["spec", "replicass"]' is not assignable`);
    expect(errors[0].message).toContain('is not a field path of this kind');
  });

  it('runs the app again when an included file changes or a file is added to the folder', async () => {
    p = makeProject({ 'apps/legacy.ts': includeApp('legacy', 'manifests/legacy'), 'manifests/legacy/a.yaml': CONFIGMAP });
    await compile({ root: p.root, typecheck: false });
    p.write('manifests/legacy/a.yaml', CONFIGMAP.replace('hello', 'goodbye'));
    await compile({ root: p.root, typecheck: false });
    expect(p.read('dist/dev/legacy/shop/configmap-web-config.yaml')).toContain('greeting: goodbye');
    p.write('manifests/legacy/b.yaml', DEPLOYMENT);
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    expect(p.read('dist/dev/legacy/shop/deployment-web.yaml')).toContain('name: web');
  });
});
