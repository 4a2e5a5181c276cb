// Folders the benchmark is done with are moved aside and deleted only once every sample is taken: on ext4,
// a new file's inode is looked for past the inodes of its block group deleted in the last seconds
// (`recently_deleted` in `find_inode_bit`, seen with perf), so creating 3,501 files right after deleting
// 3,501 nearby costs 1-2 s of kernel time instead of ~0.1 s. A fresh CI machine has deleted nothing there.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SetAside {
  /** Moves `path` (inside the bench folder) out of the way, if it exists. */
  move(path: string): void;
  /** Deletes what was moved, and what an interrupted earlier run left. */
  empty(): void;
}

export function setAsideIn(benchDir: string): SetAside {
  const dir = join(benchDir, 'set-aside');
  let count = 0;
  return {
    move(path) {
      if (!existsSync(path)) return;
      mkdirSync(dir, { recursive: true });
      renameSync(path, join(dir, `${process.pid}-${++count}`));
    },
    empty() {
      for (const name of existsSync(dir) ? readdirSync(dir) : []) rmSync(join(dir, name), { recursive: true, force: true });
    },
  };
}

/**
 * How long creating `count` small files in a new folder under `benchDir` takes now, in ms (the folder is set aside):
 * ~100 ms for 3,501 on a quiet disk, 1 s and more where many files were deleted in the last minutes.
 */
export function fileCreationProbe(benchDir: string, aside: SetAside, count = 3501): number {
  const dir = join(benchDir, `probe-${process.pid}`);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) mkdirSync(join(dir, String(i / 10)), { recursive: true });
    writeFileSync(join(dir, String(Math.floor(i / 10)), `f${i}.yaml`), 'kind: ConfigMap\n');
  }
  const ms = performance.now() - started;
  aside.move(dir);
  return ms;
}
