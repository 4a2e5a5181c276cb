// A tiny detached Node process per test-owned control plane: when the process that
// started the plane ends without stopping it (a killed test run, a worker torn
// down mid-file), it kills the components and removes the state folder, so
// nothing outlives its owner. `cluster:up` planes run without one on purpose.
import { startDetached, type StartedProcess } from './processes.js';
import { stateFileName } from './state.js';

/** Plain JS run with `node -e`: works from sources and from esbuild bundles alike. */
const watchdogSource = `
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const [stateDir, owner] = process.argv.slice(1);
const stateFile = join(stateDir, ${JSON.stringify(stateFileName)});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const timer = setInterval(() => {
  if (!existsSync(stateFile)) return clearInterval(timer);
  if (alive(Number(owner))) return;
  for (const p of JSON.parse(readFileSync(stateFile, 'utf8')).processes) {
    if (p.pid !== process.pid) { try { process.kill(-p.pid, 'SIGKILL'); } catch {} }
  }
  rmSync(stateDir, { recursive: true, force: true });
  clearInterval(timer);
}, 1000);
`;

export function startWatchdog(stateDir: string, logFile: string): StartedProcess {
  return startDetached('watchdog', process.execPath, ['-e', watchdogSource, stateDir, String(process.pid)], logFile, stateDir);
}
