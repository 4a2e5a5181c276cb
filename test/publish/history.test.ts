// `gitops history`: rendered commits mapped to their source commits, newest first, optionally only
// those that changed one environment; through the CLI too, over a git daemon.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { history } from '../../compiler/publish-history.ts';
import { publish } from '../../compiler/publish.ts';
import { cleanUp, configMapApp, createBareRemote, createProject, git, startDaemon } from './fixtures.ts';

afterAll(cleanUp);

const gitopsBin = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin', 'gitops.js');
const quiet = { typecheck: false, onWarning: () => {} };

describe('history', async () => {
  const remote = createBareRemote();
  const url = (await startDaemon(dirname(remote))).url('rendered.git');
  const project = createProject({ alpha: configMapApp('alpha', 'one'), devtools: configMapApp('devtools', 'one', ['dev']) }, url);
  const sources = [git(project.dir, 'rev-parse', 'HEAD')];
  const rendered = [(await publish({ root: project.dir, ...quiet })).head];
  sources.push(project.commit('devtools two', { devtools: configMapApp('devtools', 'two', ['dev']) }));
  rendered.push((await publish({ root: project.dir, ...quiet })).head);
  sources.push(project.commit('alpha two', { alpha: configMapApp('alpha', 'two') }));
  rendered.push((await publish({ root: project.dir, ...quiet })).head);

  it('maps every rendered commit to its source commit and branch, newest first', async () => {
    const entries = await history({ root: project.dir });
    expect(entries.map((e) => [e.sha, e.sourceCommit, e.sourceBranch])).toEqual([2, 1, 0].map((i) => [rendered[i], sources[i], 'main']));
    expect(entries[0].subject).toBe(`render ${sources[2].slice(0, 7)}: alpha two`);
  });

  it('with an environment, lists only the commits that changed it', async () => {
    const prod = await history({ root: project.dir, env: 'prod' });
    expect(prod.map((e) => e.sourceCommit)).toEqual([sources[2], sources[0]]);
    await expect(history({ root: project.dir, env: 'staging' })).rejects.toThrow(/unknown environment staging/);
  });

  it('prints one line per rendered commit from the command line', () => {
    const out = execFileSync('node', [gitopsBin, 'history', '--root', project.dir, '--env', 'dev'], { encoding: 'utf8' });
    const lines = out.trim().split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${rendered[2].slice(0, 7)} +\\S+  ${sources[2].slice(0, 7)} \\(main\\)  unsigned +alpha two$`));
    expect(lines[2]).toMatch(new RegExp(`${sources[0].slice(0, 7)} \\(main\\)  unsigned +initial apps$`));
  });
});
