// One build per cache folder at a time: a second `cluster:build` (or a test run
// starting at the same moment) waits for the first instead of writing over it.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sleep } from './processes.js';

const pollMs = 2_000;

/** Runs `fn` holding the lock file; a lock whose owner died is taken over. */
export async function withBuildLock<T>(lockFile: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (!ownerAlive(owner)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) log(`another build (pid ${owner}) is running; waiting for it`);
      announced = true;
      await sleep(pollMs);
    }
  }
  try {
    return await fn();
  } finally {
    if (existsSync(lockFile) && readFileSync(lockFile, 'utf8') === String(process.pid)) rmSync(lockFile);
  }
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
