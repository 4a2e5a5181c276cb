// The pull-request preview's Markdown (`gitops diff --markdown`) on a real repository with a rendered branch:
// objects added, changed and removed across environments and apps, each diff collapsed, and a change too
// big for one GitHub comment cut to fit, saying what was left out.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { compile } from '../../compiler/compile.ts';
import { runDiff } from '../../compiler/diff-command.ts';
import { MARKDOWN_LIMIT } from '../../compiler/diff-format.ts';
import { fetchRenderedCopy } from '../helpers/rendered-branch.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
const temps: string[] = [];
afterEach(() => {
  p?.cleanup();
  temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** An app of `count` ConfigMaps in namespace shop, each with `lines` lines of data that change with `version`. */
function configApp(name: string, count: number, lines: number, version: string): string {
  return `import { ApiObject, Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
export default defineApp({
  name: '${name}',
  build(app) {
    const chart = new Chart(app, '${name}', { namespace: 'shop' });
    for (let i = 0; i < ${count}; i++) {
      const data = { 'settings.txt': Array.from({ length: ${lines} }, (_, l) => 'line ' + l + ' of ' + i + ' at ${version}').join('\\n') };
      new ApiObject(chart, 'cm' + i, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}-' + i }, data });
    }
  },
});
`;
}

/** Publishes the project's current dist/ as the rendered branch and fetches it as origin's. */
async function publishRendered(root: string) {
  temps.push(await fetchRenderedCopy(join(root, 'dist'), root, 'refs/remotes/origin/rendered'));
}

describe('gitops diff --markdown (the pull-request preview)', () => {
  it('counts and shows every kind of change per environment and app, and cuts a huge change to fit one comment', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api'), 'apps/big.ts': configApp('big', 40, 20, 'v1'), 'apps/one.ts': configApp('one', 1, 10, 'v1') });
    await simpleGit(p.root).init();
    expect((await compile({ root: p.root, typecheck: false })).report.errors).toEqual([]);
    await publishRendered(p.root);
    expect(await runDiff({ root: p.root, markdown: true })).toContain('No changes.');

    p.write('apps/web.ts', webApp('web', 'ghcr.io/acme/web:1.1.0')); // changed
    p.remove('apps/api.ts'); // removed
    p.write('apps/shop.ts', webApp('shop')); // added
    p.write('apps/big.ts', configApp('big', 40, 20, 'v2')); // 80 changed objects, ~2 kB of diff each
    p.write('apps/one.ts', configApp('one', 1, 2000, 'v2')); // one object with a diff far over the limit of one
    expect((await compile({ root: p.root, typecheck: false })).report.errors).toEqual([]);

    const md = await runDiff({ root: p.root, markdown: true });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain('Compared with refs/remotes/origin/rendered (');
    // A WebService is 3 objects in dev and 4 in prod (a PodDisruptionBudget with more than one replica); its image is in 2 or 3.
    const table = ['| `dev/api` | 0 | 0 | 3 |', '| `dev/big` | 0 | 40 | 0 |', '| `dev/one` | 0 | 1 | 0 |', '| `dev/shop` | 3 | 0 | 0 |', '| `dev/web` | 0 | 2 | 0 |',
      '| `prod/api` | 0 | 0 | 4 |', '| `prod/big` | 0 | 40 | 0 |', '| `prod/one` | 0 | 1 | 0 |', '| `prod/shop` | 4 | 0 | 0 |', '| `prod/web` | 0 | 3 | 0 |'];
    expect(md).toContain(table.join('\n'));
    expect(md).toContain('<details><summary>removed: <code>dev/api/shop/deployment-api.yaml</code></summary>');
    expect(md).toContain('<details><summary>added: <code>dev/shop/shop/ingress-shop.yaml</code></summary>');
    expect(md).toContain('<details><summary>changed: <code>dev/big/shop/configmap-big-0.yaml</code></summary>');
    const opened = md.split('<details>').length - 1;
    expect(md.split('</details>').length - 1).toBe(opened); // never cut inside a diff
    expect(md).toMatch(/more line\(s\) of this diff left out/);
    const left = /_The diffs of (\d+) more object\(s\) \((\d+) added, (\d+) changed, (\d+) removed; counted in the table\) were left out to keep this comment under GitHub's 65,536-character limit/.exec(md);
    expect(left).not.toBeNull();
    expect(opened + Number(left![1])).toBe(49 + 52);
    expect(Number(left![2]) + Number(left![3]) + Number(left![4])).toBe(Number(left![1]));
  }, 120_000);
});
