// What every process of the machine shows on its command line (/proc/<pid>/cmdline, readable by all users),
// for tests that a secret never appears there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Adds the command line of each process running now to `into` (arguments joined by spaces). */
export function addCommandLines(into: Set<string>): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      into.add(readFileSync(join('/proc', pid, 'cmdline'), 'latin1').split('\0').join(' '));
    } catch { /* gone meanwhile */ }
  }
}
