// The cold path of `gitops synth` (issue 18): a fresh process loads only the packages synthesis needs, and
// the type-check started before the compiler's modules load is the one the compile reports.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTypecheck, typecheck } from '../../compiler/typecheck.ts';
import { makeProject, REPO_ROOT, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

/** A module-resolution hook that appends the name of each package, when first resolved, to `out`. */
function packageLogger(out: string): string {
  const hooks = `export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    const name = result.url.split('/node_modules/')[1]?.match(/^(@[^/]+\\/[^/]+|[^/]+)/)?.[0];
    if (name) (await import('node:fs')).appendFileSync(${JSON.stringify(out)}, name + '\\n');
    return result;
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

function synthLoading(root: string, out: string): Promise<{ code: number; stderr: string; packages: Set<string> }> {
  return new Promise((resolve) => {
    const args = ['--import', packageLogger(out), join(REPO_ROOT, 'bin/gitops.js'), 'synth', '--root', root, '--no-typecheck'];
    execFile(process.execPath, args, (error, _stdout, stderr) => {
      const packages = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr, packages });
    });
  });
}

describe('the cold path of gitops synth', () => {
  it('loads the packages synthesis needs and none of the others, even for a project with encrypted Secrets', async () => {
    p = makeProject({}, { copyExample: true }); // the example renders SOPS-encrypted Secrets
    const run = await synthLoading(p.root, join(p.root, 'packages.log'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.packages).toContain('cdk8s'); // the hook sees what was loaded
    // age-encryption only opens keys (secret edit, the agent); the others are the agent's, publish's, health rules'
    // (the example declares none) and an error's (mapping an app's stack frame).
    for (const name of ['age-encryption', '@kubernetes/client-node', 'simple-git', 'pino', 'prom-client', '@marcbachmann/cel-js', '@jridgewell/trace-mapping']) expect(run.packages).not.toContain(name);
  }, 60_000);

  it('does not load cdk8s when the synth cache serves every app', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    expect((await synthLoading(p.root, join(p.root, 'first.log'))).packages).toContain('cdk8s');
    const warm = await synthLoading(p.root, join(p.root, 'warm.log'));
    expect(warm.code).toBe(0);
    expect(warm.packages).not.toContain('cdk8s');
    expect(warm.packages).not.toContain('cdk8s-plus-28');
  }, 60_000);
});

describe('errors of app code in a fresh process', () => {
  it('name the TypeScript line an app threw at, mapped through its bundle (Node\'s own source-map support is off)', async () => {
    const thrower = "import { Chart } from 'cdk8s';\nimport { defineApp } from 'typed-gitops/lib';\nexport default defineApp({\n  name: 'thrower',\n  build(app) {\n    new Chart(app, 'thrower');\n    throw new Error('thrower broke');\n  },\n});\n";
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/thrower.ts': thrower });
    const run = await synthLoading(p.root, join(p.root, 'packages.log'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/apps\/thrower\.ts:7:\d+/);
    expect(run.stderr).toContain('thrower broke');
  }, 60_000);
});

describe('startTypecheck', () => {
  it('runs tsc at once; the next typecheck() reports that run, the one after runs tsc again', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/broken.ts': 'export const n: number = "one";\n' });
    const early = await startTypecheck(p.root, REPO_ROOT);
    expect(early.map((d) => d.sourceFile)).toEqual(['apps/broken.ts:1:14']);
    p.write('apps/broken.ts', 'export const n: number = 1;\n'); // fixed after the early run
    expect(await typecheck(p.root, REPO_ROOT)).toEqual(early);
    expect(await typecheck(p.root, REPO_ROOT)).toEqual([]);
  }, 60_000);
});
