// `gitops publish` on the command line: what it prints and its exit codes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from '../../core/errors.ts';
import { cleanUp, configMapApp, createBareRemote, createProject, git } from './fixtures.ts';

afterAll(cleanUp);

const gitopsBin = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin', 'gitops.js');
const gitops = (...args: string[]) => spawnSync('node', [gitopsBin, ...args], { encoding: 'utf8' });

describe('gitops publish', () => {
  it('prints what it published (by the committer given), then that nothing changed, and refuses a dirty tree with exit code 1', () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const first = gitops('publish', '--root', project.dir, '--no-typecheck', '--committer-name', 'Deploy Bot', '--committer-email', 'bot@example.com');
    expect(first.status).toBe(EXIT_CODES.ok);
    expect(git(remote, 'log', '-1', '--format=%cn <%ce>', 'rendered')).toBe('Deploy Bot <bot@example.com>');
    expect(first.stdout).toMatch(new RegExp(`^published ${git(remote, 'rev-parse', '--short=7', 'rendered')} to origin/rendered from [0-9a-f]{7} \\(main\\) "initial apps"\\n  dev/alpha: \\+1 ~0 -0`));

    const again = gitops('publish', '--root', project.dir, '--no-typecheck');
    expect(again.stdout).toMatch(/^rendered output unchanged: origin\/rendered stays at/);

    writeFileSync(join(project.dir, 'apps', 'alpha.ts'), configMapApp('alpha', 'dirty'));
    const dirty = gitops('publish', '--root', project.dir, '--no-typecheck');
    expect(dirty.status).toBe(EXIT_CODES.userInput);
    expect(dirty.stderr).toContain('refusing to publish: the work tree has uncommitted changes (apps/alpha.ts)');
  });
});
