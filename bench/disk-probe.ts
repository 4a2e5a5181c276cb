// A probe of the disk before and after bench:synth's runs: creating files is ~30x slower where many were deleted
// in the last minutes (set-aside.ts says why), and the fresh-clone columns move with it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SetAside } from './set-aside.ts';

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
