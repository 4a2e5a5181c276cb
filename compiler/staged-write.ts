// Writing a new output folder while the apps still build. When there is no output folder yet (a fresh
// clone), the files known early (those read from a rendered commit, those of each app as soon as it is
// built) are written by a worker thread into a folder in .gitops-cache/ while this thread goes on:
// creating thousands of files is kernel time, which the other core then spends. The run writes the rest
// of the tree there, removes what the tree does not hold, and renames the folder into place, so a failed
// synth leaves no output folder behind.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { processAlive } from '../core/go-install.ts';
import { treePathProblem } from '../core/tree-paths.ts';
import type { RenderedTree } from '../core/types.ts';
import { writeTree, type WriteSummary } from './write.ts';

// Plain JS (a worker cannot load .ts on Node 20): each batch in order, each folder made once; null ends it.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const made = new Set();
parentPort.on('message', (files) => {
  if (files === null) return parentPort.close();
  for (const [path, text] of files) {
    const file = join(workerData.dir, path);
    const dir = dirname(file);
    if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
    writeFileSync(file, text);
  }
});`;

export interface StagedWrite {
  readonly dir: string;
  /** Writes these files (tree path → text) too, after those given before. */
  add(files: ReadonlyMap<string, string>): void;
  /** Ends the writing: every file given, once written. */
  finished(): Promise<ReadonlyMap<string, string>>;
}

/** Starts a writer into a staging folder, when `outDir` does not exist; else undefined. */
export function stageAhead(root: string, outDir: string): StagedWrite | undefined {
  if (existsSync(outDir)) return undefined;
  const dir = join(root, '.gitops-cache', `staging-${process.pid}`);
  removeAbandoned(join(root, '.gitops-cache'));
  const worker = new Worker(WRITER, { eval: true, workerData: { dir } });
  const exited = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writing ${dir} stopped (exit code ${code})`))));
  });
  exited.catch(() => {}); // awaited by finished()
  const sent = new Map<string, string>();
  let ended = false;
  return {
    dir,
    add(files) {
      if (ended) return;
      const safe = [...files].filter(([path]) => !treePathProblem(path)); // paths from a commit: the tree decides, these only save time
      for (const [path, text] of safe) sent.set(path, text);
      worker.postMessage(safe);
    },
    async finished() {
      if (!ended) worker.postMessage(null);
      ended = true;
      await exited;
      return sent;
    },
  };
}

/** Staging folders of runs that were stopped (their process is gone), and one of this pid's. */
function removeAbandoned(cacheDir: string): void {
  for (const name of existsSync(cacheDir) ? readdirSync(cacheDir) : []) {
    const pid = /^staging-(\d+)$/.exec(name)?.[1];
    if (pid && (Number(pid) === process.pid || !processAlive(Number(pid)))) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** Writes what the tree holds beyond the staged files, then moves the staging folder to `outDir`. */
export async function finishStaged(staged: StagedWrite, outDir: string, tree: RenderedTree): Promise<WriteSummary> {
  const ahead = await staged.finished().catch(() => undefined);
  const rest = ahead && writeTree(staged.dir, tree, ahead);
  if (rest && !existsSync(outDir) && moved(staged.dir, outDir)) return { written: rest.written + rest.unchanged, deleted: 0, unchanged: 0 }; // all new in outDir
  // The writer failed, outDir was made meanwhile, or it is on another file system: write into it as any run would.
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
  await staged.finished().catch(() => {});
  rmSync(staged.dir, { recursive: true, force: true });
}
