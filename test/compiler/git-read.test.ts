// readTree and its parts against real repositories: every file of a commit (or of a folder of it), byte for
// byte; names holding TABs and newlines; entries that are not regular files; bytes that are not UTF-8; and a
// cat-file that answers something else than asked, which must fail instead of looping.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import { listTree, readBlobs, readTree, resolveRef } from '../../core/git-read.ts';
import { dirtyPaths, readHead } from '../../compiler/rendered-branch.ts';

function repoWith(files: Record<string, string | Uint8Array>, stage?: (git: (...args: string[]) => string) => void): { dir: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'git-read-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim();
  git('init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git('add', '-A');
  stage?.(git);
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'files');
  return { dir, head: git('rev-parse', 'HEAD') };
}

const ROOT = resolve(import.meta.dirname, '../..');
/** readTree in a child process with a time limit, so that a reader that spins shows as a failure, not a stuck run. */
function readTreeInChild(dir: string, ref: string, prefix: string): { result?: Record<string, string>; error?: string; hung?: boolean } {
  const script = `const { runTs } = await import(${JSON.stringify(join(ROOT, 'bin/run-ts.js'))});
const { readTree } = await runTs('core/git-read.ts');
try { console.log(JSON.stringify({ result: Object.fromEntries(await readTree(${JSON.stringify(dir)}, ${JSON.stringify(ref)}, ${JSON.stringify(prefix)})) })); }
catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  if (run.signal) return { hung: true };
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { result?: Record<string, string>; error?: string };
}

describe('readTree', () => {
  it('reads every file of a folder of a commit, large and small, exactly', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`prod/app-${i}/configmap-${i}.yaml`] = `kind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  greeting: "grüße ${i} ✓"\n`;
    files['prod/big/blob.yaml'] = `data: "${'x'.repeat(300_000)}ü"\n`;
    files['prod/empty.yaml'] = '';
    files['dev/other.yaml'] = 'kind: Other\n';
    const { dir } = repoWith(files);
    const tree = await readTree(dir, (await resolveRef(dir, 'main'))!, 'prod/');
    const expected = Object.entries(files).filter(([path]) => path.startsWith('prod/'));
    expect(tree.size).toBe(expected.length);
    for (const [path, text] of expected) expect(tree.get(path)).toBe(text);
  });

  it('reads a file whose name holds a TAB as its own file, never as the file its name starts with', async () => {
    const { dir, head } = repoWith({ 'dev/x.yaml': 'namespace: default\n', 'dev/x.yaml\tx': 'namespace: kube-system\n', 'dev/line\nbreak.yaml': 'a: 1\n', 'dev/sp ace.yaml': 'b: 2\n' });
    const tree = await readTree(dir, head, 'dev/');
    expect(Object.fromEntries(tree)).toEqual({ 'dev/x.yaml': 'namespace: default\n', 'dev/x.yaml\tx': 'namespace: kube-system\n', 'dev/line\nbreak.yaml': 'a: 1\n', 'dev/sp ace.yaml': 'b: 2\n' });
  });

  it('refuses a submodule entry (gitlink) by its path, without spinning', () => {
    const { dir, head } = repoWith({ 'dev/app/a.yaml': 'a: 1\n' }, (git) => git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},dev/app/sub`));
    const read = readTreeInChild(dir, head, 'dev/');
    expect(read.hung).toBeUndefined();
    expect(read.error).toMatch(/^UserInputError: "dev\/app\/sub": a submodule \(gitlink\)/);
  });

  it('refuses a symbolic link by its path', async () => {
    const { dir, head } = repoWith({ 'dev/a.yaml': 'a: 1\n' }, (git) => git('update-index', '--add', '--cacheinfo', `120000,${git('hash-object', '-w', '--stdin')},dev/link.yaml`));
    const error = await readTree(dir, head, 'dev/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toContain('"dev/link.yaml": a symbolic link');
    expect((error as UserInputError).subject).toMatchObject({ commit: head, hint: expect.stringContaining('git rm --cached') });
  });

  it('refuses a file that is not UTF-8, naming it; a UTF-8 BOM is dropped (as kubectl does)', async () => {
    const latin1 = Buffer.from('data:\n  a: "caf\xe9"\n', 'latin1');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]);
    const { dir, head } = repoWith({ 'dev/bom.yaml': bom, 'dev/latin1.yaml': latin1 });
    const error = await readTree(dir, head, 'dev/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toBe('"dev/latin1.yaml": the file is not valid UTF-8 text');
    expect((await readTree(dir, head, 'dev/bom.yaml')).get('dev/bom.yaml')).toBe('a: 1\n');
  });
});

describe('listTree and readBlobs', () => {
  it('lists modes, sizes and exact paths, and stops after maxEntries', async () => {
    const { dir, head } = repoWith({ 'dev/a.yaml': 'abc\n', 'dev/b\tc.yaml': '', 'dev/c.yaml': 'x\n' });
    const entries = await listTree(dir, head, { prefix: 'dev/' });
    expect(entries.map((e) => [e.mode, e.type, e.size, e.path])).toEqual([['100644', 'blob', 4, 'dev/a.yaml'], ['100644', 'blob', 0, 'dev/b\tc.yaml'], ['100644', 'blob', 2, 'dev/c.yaml']]);
    expect(await listTree(dir, head, { prefix: 'dev/', maxEntries: 1 })).toHaveLength(2);
  });

  it('fails clearly when cat-file answers missing, another type or another size than asked', async () => {
    const { dir, head } = repoWith({ 'dev/a.yaml': 'abc\n' });
    const [entry] = await listTree(dir, head, { prefix: 'dev/' });
    const tree = execFileSync('git', ['rev-parse', `${head}^{tree}`], { cwd: dir, encoding: 'utf8' }).trim();
    await expect(readBlobs(dir, head, [{ ...entry!, sha: 'f'.repeat(40) }])).rejects.toThrow(`git cat-file answered "${'f'.repeat(40)} missing" for dev/a.yaml`);
    await expect(readBlobs(dir, head, [{ ...entry!, sha: tree }])).rejects.toThrow(/answered ".* tree \d+" for dev\/a\.yaml/);
    await expect(readBlobs(dir, head, [{ ...entry!, size: 2 }])).rejects.toThrow('expected a blob of 2 bytes');
    expect(await readBlobs(dir, head, [entry!, entry!])).toEqual(['abc\n', 'abc\n']);
  });
});

describe('local reads', () => {
  it('read the repository they are given, whatever GIT_DIR or GIT_INDEX_FILE the environment holds (as in a git hook)', async () => {
    const ours = repoWith({ 'a.txt': 'ours\n' });
    const other = repoWith({ 'b.txt': 'other\n' });
    writeFileSync(join(ours.dir, 'new.txt'), 'not committed\n');
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_INDEX_FILE: process.env.GIT_INDEX_FILE };
    Object.assign(process.env, { GIT_DIR: join(other.dir, '.git'), GIT_INDEX_FILE: join(other.dir, '.git', 'index') });
    try {
      expect(await resolveRef(ours.dir, 'HEAD')).toBe(ours.head);
      expect((await readHead(ours.dir)).sha).toBe(ours.head);
      expect(await dirtyPaths(ours.dir)).toEqual(['new.txt']);
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name]; else process.env[name] = value;
    }
  });
  it('name each changed file once by its path, a renamed one by its new path, whether the rename is staged or not', async () => {
    const repo = repoWith({ 'apps/alpha.ts': 'alpha\n', 'apps/gamma.ts': 'gamma\n', 'apps/keep.ts': 'keep\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.dir, stdio: 'pipe' });
    git('mv', 'apps/alpha.ts', 'apps/beta.ts'); // staged: 'R  apps/beta.ts', then the old path
    execFileSync('mv', ['apps/gamma.ts', 'apps/delta.ts'], { cwd: repo.dir });
    git('add', '-N', 'apps/delta.ts'); // not staged: ' R apps/delta.ts', then the old path
    writeFileSync(join(repo.dir, 'apps/keep.ts'), 'changed\n');
    expect((await dirtyPaths(repo.dir)).sort()).toEqual(['apps/beta.ts', 'apps/delta.ts', 'apps/keep.ts']);
  });
});
