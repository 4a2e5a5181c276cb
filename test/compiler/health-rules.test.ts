// Declarative health rules in gitops.config.ts: compiled at synth (a bad expression is a synth
// error naming its key and config line), rendered into each environment as data, and skipped by
// the agent's object parser.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { desiredSet } from '../../agent/desired.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

const projects: TestProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

const configWith = (healthy: string) => `import { defineConfig } from 'typed-gitops/config';
export interface Values { readonly replicas: number; readonly host: string }
export default defineConfig<Values>({
  environments: { dev: { values: { replicas: 1, host: 'dev.example.com' } } },
  external: { namespaces: ['shop'] },
  health: {
    rules: [
      { group: 'example.com', kind: 'Widget', healthy: '${healthy}', degraded: 'status.phase == "Failed"' },
    ],
  },
});
`;

function project(healthy: string): TestProject {
  const p = makeProject({ 'apps/web.ts': webApp('web') }, { config: configWith(healthy) });
  projects.push(p);
  return p;
}

describe('health rules at synth', () => {
  it('renders the rules into each environment, and the agent reads the objects around them', async () => {
    const p = project('status.phase == "Ready"');
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    const files = p.snapshot();
    expect(JSON.parse(files.get('dev.health-rules.json')!)).toEqual({
      rules: [{ group: 'example.com', kind: 'Widget', healthy: 'status.phase == "Ready"', degraded: 'status.phase == "Failed"' }],
    });
    const envFiles = new Map([...files].filter(([path]) => path.startsWith('dev/')).map(([path, text]) => [path.slice(4), text]));
    expect(desiredSet({ commit: 'c0ffee', env: 'dev', files: envFiles }).objects.length).toBeGreaterThan(0);
  });

  it('refuses an invalid expression with its key and config line', async () => {
    const p = project('status.phase = \\"Ready\\"');
    await expect(compile({ root: p.root, typecheck: false })).rejects.toThrow(
      /health\.rules\[0\]\.healthy \(gitops\.config\.ts:8\): invalid CEL: Unexpected character: =/,
    );
  });
});
