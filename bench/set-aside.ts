// Folders the benchmark is done with are moved aside and deleted only once every sample is taken: on ext4,
// a new file's inode is looked for past the inodes of its block group deleted in the last seconds
// (`recently_deleted` in `find_inode_bit`, seen with perf), so creating 3,501 files right after deleting
// 3,501 nearby costs 1-2 s of kernel time instead of ~0.1 s. A fresh CI machine has deleted nothing there.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
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
