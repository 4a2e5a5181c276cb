// Writing a new output folder ahead (staged-write.ts), on the real file system: the folder ends up holding
// exactly the tree, whatever was staged; an output folder made meanwhile is written into; none is staged
// over an existing one; a path from the commit that would leave the folder is never written.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishStaged, stageAhead } from '../../compiler/staged-write.ts';
import { snapshotDir } from '../helpers/project.ts';

const base = mkdtempSync(join(tmpdir(), 'staged-write-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let count = 0;
const project = () => { const root = join(base, String(++count)); mkdirSync(root); return { root, out: join(root, 'dist') }; };

const tree = { files: new Map([['dev/a/ns/configmap-a.yaml', 'a: 2\n'], ['dev/b/ns/configmap-b.yaml', 'b: 1\n'], ['dev.manifest.json', '{}\n']]), scope: [{ env: 'dev' }] };
const staged = new Map([['dev/a/ns/configmap-a.yaml', 'a: 1\n'], ['dev/b/ns/configmap-b.yaml', 'b: 1\n'], ['dev/gone/ns/configmap-gone.yaml', 'x: 1\n'], ['../escape.yaml', 'x: 1\n']]);

describe('staged write of a new output folder', () => {
  it('writes what the tree holds when the writer could not write what it was given', async () => {
    const { root, out } = project();
    const staging = stageAhead(root, out)!;
    staging.add(new Map([['dev/x', 'a file'], ['dev/x/y.yaml', 'under that file: the writer fails']]));
    await finishStaged(staging, out, tree);
    expect(Object.fromEntries(snapshotDir(out))).toEqual(Object.fromEntries(tree.files));
    expect(readdirSync(join(root, '.gitops-cache'))).toEqual([]);
  });

  it('leaves exactly the tree in the output folder: staged files it changed are rewritten, others removed, none outside', async () => {
    const { root, out } = project();
    const staging = stageAhead(root, out)!;
    staging.add(new Map([...staged].slice(0, 2)));
    staging.add(new Map([...staged].slice(2)));
    const summary = await finishStaged(staging, out, tree);
    expect(Object.fromEntries(snapshotDir(out))).toEqual(Object.fromEntries(tree.files));
    expect(summary).toEqual({ written: 3, deleted: 0, unchanged: 0 });
    expect(existsSync(join(root, 'escape.yaml')) || existsSync(join(root, '.gitops-cache', 'escape.yaml'))).toBe(false);
    expect(readdirSync(join(root, '.gitops-cache'))).toEqual([]);
  });

  it('writes into an output folder made while it was staging, and removes the staging folder', async () => {
    const { root, out } = project();
    const staging = stageAhead(root, out)!;
    staging.add(staged);
    mkdirSync(join(out, 'dev'), { recursive: true });
    writeFileSync(join(out, 'dev', 'notes.txt'), 'not ours');
    await finishStaged(staging, out, tree);
    expect(snapshotDir(out).get('dev/a/ns/configmap-a.yaml')).toBe('a: 2\n');
    expect(readdirSync(join(root, '.gitops-cache'))).toEqual([]);
  });

  it('removes the staging folders of runs that were stopped, and keeps those of runs still going', async () => {
    const { root, out } = project();
    const stopped = join(root, '.gitops-cache', 'staging-999999999'); // no such process
    const running = join(root, '.gitops-cache', `staging-${process.ppid}`);
    for (const dir of [stopped, running]) { mkdirSync(join(dir, 'dev'), { recursive: true }); writeFileSync(join(dir, 'dev', 'x.yaml'), 'x: 1\n'); }
    await finishStaged(stageAhead(root, out)!, out, tree);
    expect(readdirSync(join(root, '.gitops-cache'))).toEqual([`staging-${process.ppid}`]);
  });

  it('stages nothing over an existing output folder', () => {
    const { root, out } = project();
    mkdirSync(out);
    expect(stageAhead(root, out)).toBeUndefined();
  });
});
