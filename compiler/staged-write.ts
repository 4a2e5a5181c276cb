// Writing a new output folder while the apps still build. When there is no output folder yet (a fresh
// clone), the files read from a rendered commit are written by a worker thread into a folder in
// .gitops-cache/ while this thread builds the changed apps: creating thousands of files is kernel time,
// which the other core then spends. The run writes the rest of the tree there, removes what the tree
// does not hold, and renames the folder into place, so a failed synth leaves no output folder behind.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { treePathProblem } from '../core/tree-paths.ts';
import type { RenderedTree } from '../core/types.ts';
import { writeTree, type WriteSummary } from './write.ts';

// Plain JS (a worker cannot load .ts on Node 20): the files in order, one folder made once.
const WRITER = `
const { workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const made = new Set();
for (const [path, text] of workerData.files) {
  const file = join(workerData.dir, path);
  const dir = dirname(file);
  if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
  writeFileSync(file, text);
}`;

export interface StagedWrite {
  readonly dir: string;
  /** The files written ahead, once the worker is done. */
  readonly written: Promise<ReadonlyMap<string, string>>;
}

/** Starts writing `files` (tree paths → text) into a staging folder, when `outDir` does not exist; else undefined. */
export function stageAhead(root: string, outDir: string, files: ReadonlyMap<string, string>): StagedWrite | undefined {
  if (existsSync(outDir) || files.size === 0) return undefined;
  const dir = join(root, '.gitops-cache', `staging-${process.pid}`);
  rmSync(dir, { recursive: true, force: true }); // left by a run of this pid that was killed
  const safe = [...files].filter(([path]) => !treePathProblem(path)); // paths from a commit: the tree decides, these only save time
  const worker = new Worker(WRITER, { eval: true, workerData: { dir, files: safe } });
  const written = new Promise<ReadonlyMap<string, string>>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve(new Map(safe)) : reject(new Error(`writing ${dir} stopped (exit code ${code})`))));
  });
  written.catch(() => {}); // awaited by finish or drop
  return { dir, written };
}

/** Writes what the tree holds beyond the staged files, then moves the staging folder to `outDir`. */
export async function finishStaged(staged: StagedWrite, outDir: string, tree: RenderedTree): Promise<WriteSummary> {
  const ahead = await staged.written;
  const rest = writeTree(staged.dir, tree, ahead);
  if (!existsSync(outDir) && moved(staged.dir, outDir)) return { written: rest.written + rest.unchanged, deleted: 0, unchanged: 0 }; // all new in outDir
  // Made by someone else meanwhile, or on another file system: write into it as any run would.
  await dropStaged(staged);
  return writeTree(outDir, tree);
}

function moved(from: string, to: string): boolean {
  try {
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Removes the staging folder (the run had errors), once its writer is done. */
export async function dropStaged(staged: StagedWrite): Promise<void> {
  await staged.written.catch(() => {});
  rmSync(staged.dir, { recursive: true, force: true });
}
