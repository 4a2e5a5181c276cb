// The rendered commit's tree, written by publish with git fast-import: a path with an entry git would
// resolve or hide ('..', '.', '.git', empty) is refused naming it, and any other byte in a name
// (a newline, a quote) stays part of that one file's name instead of ending the fast-import command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../core/errors.ts';
import { writeCommit } from '../../compiler/rendered-branch.ts';
import { git } from './fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tree-paths-'));
  execFileSync('git', ['init', '--quiet', dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const identity = { name: 'typed-gitops', email: 'typed-gitops@noreply.invalid' };
const commitOf = (files: Record<string, string>) => writeCommit(dir, { files: new Map(Object.entries(files)), message: 'rendered', identity });
const objectCount = () => git(dir, 'count-objects', '-v');

describe('writeCommit', () => {
  it.each([
    ['dev/web/../../evil.yaml', `its entry ".." is '..'`],
    ['dev/./x.yaml', `its entry "." is '.'`],
    ['dev/.git/config', `its entry ".git" is '.git'`],
    ['dev/.GIT/hooks/post-checkout', `its entry ".GIT" is '.git'`],
    ['dev//x.yaml', 'its entry "" is empty'],
    ['/dev/x.yaml', 'its entry "" is empty'],
    ['dev/x\0y.yaml', 'its entry "x\\u0000y.yaml" contains NUL'],
  ])('refuses %j, naming it, and writes nothing', async (path, problem) => {
    const before = objectCount();
    const error = await commitOf({ 'dev/manifest.json': '{}\n', [path]: 'kind: ConfigMap\n' }).then((sha) => `wrote ${sha}`, formatError);
    expect(error).toBe(`refusing to write the rendered commit: the path ${JSON.stringify(path)} is not a plain relative path: ${problem}; nothing was written\n`
      + '  -> Rendered paths come from kinds, names and namespaces: fix the object in its app.');
    expect(objectCount()).toBe(before);
    expect(git(dir, 'for-each-ref')).toBe('');
  });

  it('keeps a newline or quote in a name inside that one file name', async () => {
    const path = 'dev/web/shop/configmap-a\nM 100644 inline dev/injected.yaml\n"b\\.yaml';
    const sha = await commitOf({ [path]: 'kind: ConfigMap\n' });
    const entries = git(dir, 'ls-tree', '-r', '-z', '--name-only', sha).split('\0').filter(Boolean);
    expect(entries).toEqual([path]);
  });
});
