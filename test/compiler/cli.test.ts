// The `gitops synth` command as users run it: exit codes, the summary, and errors on stderr.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { makeProject, REPO_ROOT, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

function gitops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('gitops synth (CLI)', () => {
  it('prints objects per environment and app, and exits 0', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web') });
    const run = await gitops('synth', '--root', p.root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dev: 3 objects in 1 apps \(web 3\)/);
    expect(run.stdout).toMatch(/prod: 4 objects in 1 apps \(web 4\)/);
    expect(run.stdout).toMatch(/synth ok in \d+ ms; 9 files written/);
  });

  it('exits 1 with every error on stderr, naming env, app, file and object', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web', 'ghcr.io/acme/web:latest') }, {
      config: `import { defineConfig } from 'typed-gitops/config';
export default defineConfig<{ replicas: number; host: string }>({
  environments: { dev: { values: { replicas: 1, host: 'x.dev' } } },
  policies: { 'no-latest-image': 'error' },
});
`,
    });
    const run = await gitops('synth', '--root', p.root, '--no-typecheck');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error policy/no-latest-image: env dev app web apps/web.ts');
    expect(run.stderr).toContain('Deployment shop/web');
    expect(run.stderr).toContain("error missing-namespace: env dev app web");
    expect(run.stderr).toMatch(/synth failed: \d+ error\(s\); dist\/ was left as it was/);
    expect(run.stdout).toBe('');
  });

  it('exits 1 and names the config key for a bad config', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web') }, { config: 'export default { environments: {} };\n' });
    const run = await gitops('synth', '--root', p.root, '--no-typecheck');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gitops.config.ts is not a valid config');
    expect(run.stderr).toContain('environments: declare at least one environment');
  });
});
