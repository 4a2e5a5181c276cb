// `cluster:down` with no argument stops only the plane this checkout started: the pointer is kept
// per checkout, and the real CLI is run against planes recorded for this and another checkout.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRunning, type RunningProcess } from './processes.js';
import { checkoutRoot, forgetCluster, lastClusterDir, pointToLastCluster, stateDirPrefix, writeState } from './state.js';

const run = promisify(execFile);
let cache: string;
const saved = process.env.XDG_CACHE_HOME;
const started: RunningProcess[] = [];

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'cp-state-test-'));
  process.env.XDG_CACHE_HOME = cache;
});
afterEach(() => {
  for (const p of started.splice(0)) if (isRunning(p)) process.kill(-p.pid, 'SIGKILL');
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
  rmSync(cache, { recursive: true, force: true });
});

/** A state folder whose one "component" is a sleeping process of its own group, as a plane's are. */
function fakePlane(): { dir: string; process: RunningProcess } {
  const dir = mkdtempSync(join(tmpdir(), stateDirPrefix));
  const binary = '/bin/sleep';
  const child = spawn(binary, ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  const p = { name: 'etcd', pid: child.pid!, binary, logFile: join(dir, 'etcd.log') };
  started.push(p);
  writeState({ stateDir: dir, server: 'https://127.0.0.1:1', kubeconfigPath: join(dir, 'kubeconfig'), nodeName: 'n', startedAt: new Date().toISOString(), ownerPid: process.pid, processes: [p] });
  return { dir, process: p };
}

describe('the cluster:down pointer', () => {
  it('is kept per checkout', () => {
    const [a, b] = [fakePlane(), fakePlane()];
    pointToLastCluster(a.dir, '/src/checkout-a');
    pointToLastCluster(b.dir, '/src/checkout-b');
    expect(lastClusterDir('/src/checkout-a')).toBe(a.dir);
    expect(lastClusterDir('/src/checkout-b')).toBe(b.dir);
    forgetCluster(b.dir, '/src/checkout-a'); // not the one a points at
    expect(lastClusterDir('/src/checkout-a')).toBe(a.dir);
    forgetCluster(a.dir, '/src/checkout-a');
    expect(lastClusterDir('/src/checkout-a')).toBeUndefined();
    expect(lastClusterDir('/src/checkout-b')).toBe(b.dir);
    for (const p of [a, b]) rmSync(p.dir, { recursive: true, force: true });
  });

  it('leaves the single last-cluster file of older checkouts alone', () => {
    const a = fakePlane();
    const legacy = join(cache, 'typed-gitops', 'controlplane', 'last-cluster');
    mkdirSync(dirname(legacy), { recursive: true });
    writeFileSync(legacy, '/tmp/somewhere-else\n');
    pointToLastCluster(a.dir);
    expect(lastClusterDir()).toBe(a.dir);
    expect(readFileSync(legacy, 'utf8')).toBe('/tmp/somewhere-else\n');
    rmSync(a.dir, { recursive: true, force: true });
  });

  it('makes `cluster:down` stop the plane of this checkout and leave another checkout\'s running', async () => {
    const [mine, theirs] = [fakePlane(), fakePlane()];
    pointToLastCluster(theirs.dir, join(tmpdir(), 'another-checkout'));
    const down = () => run(process.execPath, ['bin/run-ts.js', 'test/controlplane/cli.ts', 'down'], { cwd: checkoutRoot, env: { ...process.env, XDG_CACHE_HOME: cache } });
    expect((await down()).stdout).toContain('nothing to stop');
    expect(isRunning(theirs.process)).toBe(true);

    pointToLastCluster(mine.dir);
    expect((await down()).stdout).toContain(`stopped and removed ${mine.dir}`);
    expect(isRunning(mine.process)).toBe(false);
    expect(isRunning(theirs.process)).toBe(true);
    expect(lastClusterDir(join(tmpdir(), 'another-checkout'))).toBe(theirs.dir);
    rmSync(theirs.dir, { recursive: true, force: true });
  });
});
