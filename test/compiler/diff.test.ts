// `gitops diff` against a real git repository: added, changed and removed objects per env and app.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { compile } from '../../compiler/compile.ts';
import { runDiff } from '../../compiler/diff-command.ts';
import { fetchRenderedCopy } from '../helpers/rendered-branch.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
const temps: string[] = [];
afterEach(() => {
  p?.cleanup();
  temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** Commits the project's current dist/ as the rendered branch, the way publish lays it out. */
async function commitRenderedBranch(root: string) {
  temps.push(await fetchRenderedCopy(join(root, 'dist'), root));
}

describe('gitops diff', () => {
  it('shows everything as added when there is no rendered branch yet', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web') });
    await simpleGit(p.root).init();
    await compile({ root: p.root, typecheck: false });
    const out = await runDiff({ root: p.root, color: 'never' });
    expect(out).toContain("no rendered branch 'rendered' yet");
    expect(out).toContain('added dev/web/shop/deployment-web.yaml');
    expect(out).toMatch(/dev\/web: \+\d+ ~0 -0/);
  });

  it('lists added, changed and removed objects with a unified diff, and as Markdown', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    await simpleGit(p.root).init();
    await compile({ root: p.root, typecheck: false });
    await commitRenderedBranch(p.root);
    expect(await runDiff({ root: p.root, color: 'never' })).toContain('no changes');

    p.write('apps/web.ts', webApp('web', 'ghcr.io/acme/web:1.1.0'));
    p.remove('apps/api.ts');
    p.write('apps/shop.ts', webApp('shop'));
    await compile({ root: p.root, typecheck: false });

    const out = await runDiff({ root: p.root, color: 'never', env: ['prod'] });
    expect(out).toContain('changed prod/web/shop/deployment-web.yaml');
    expect(out).toContain('-        - image: ghcr.io/acme/web:1.0.0');
    expect(out).toContain('+        - image: ghcr.io/acme/web:1.1.0');
    expect(out).toContain('removed prod/api/shop/service-api.yaml');
    expect(out).toContain('added prod/shop/shop/ingress-shop.yaml');
    expect(out).not.toMatch(/^(added|changed|removed) dev\//m);
    expect(out).toMatch(/prod\/web: \+0 ~\d+ -0/);

    const md = await runDiff({ root: p.root, markdown: true });
    expect(md).toContain('| `prod/api` | 0 | 0 |');
    expect(md).toContain('```diff');
    expect(md).toContain('<summary>changed: <code>dev/web/shop/deployment-web.yaml</code></summary>');

    const colored = await runDiff({ root: p.root, color: 'always' });
    expect(colored).toContain('\x1b[32m+');
  });
});
