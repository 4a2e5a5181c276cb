// The Markdown of `gitops diff` stays well-formed and bounded whatever the objects hold: a fence longer than
// any run of backticks in a diff, paths escaped in HTML, and a table of thousands of apps cut with a count.
import { describe, expect, it } from 'vitest';
import { objectChange } from '../../compiler/diff.ts';
import { formatChanges, MARKDOWN_LIMIT } from '../../compiler/diff-format.ts';

describe('gitops diff --markdown', () => {
  it('fences a diff holding backticks with a longer fence', () => {
    const change = objectChange('dev', 'docs', 'dev/docs/shop/configmap-readme.yaml', undefined, 'data:\n  README.md: |\n    ```sh\n    npm ci\n    ````\n');
    const md = formatChanges([change], { against: 'x', markdown: true });
    expect(md).toContain('`````diff\n');
    expect(md).toMatch(/\n`````\n\n<\/details>/);
  });

  it('escapes what a path could hold in HTML', () => {
    const md = formatChanges([objectChange('dev', 'a', 'dev/a/<b>&/x.yaml', undefined, 'x: 1\n')], { against: 'x', markdown: true });
    expect(md).toContain('<code>dev/a/&lt;b&gt;&amp;/x.yaml</code>');
  });

  it('cuts a table of thousands of apps and counts the rest, within the limit', () => {
    const changes = Array.from({ length: 5000 }, (_, i) => objectChange('prod', `app-${String(i).padStart(4, '0')}`, `prod/app-${i}/shop/configmap-c.yaml`, undefined, 'x: 1\n'));
    const md = formatChanges(changes, { against: 'x', markdown: true });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toMatch(/\| … and \d+ more environment \/ app pair\(s\) \| \| \| \|/);
    expect(md).toContain('| `prod/app-0000` | 1 | 0 | 0 |');
  });
});
