// The record of a running control plane, kept in its state folder, plus the
// pointer to the last one started by `cluster:up`, so a later process can stop it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { processAlive } from '../../core/go-install.ts';
import { ControlPlaneError } from './errors.js';
import { checkoutRoot, lastClusterPointer } from './paths.js';

export { checkoutRoot };
import type { RunningProcess } from './processes.js';

export interface ClusterState {
  readonly stateDir: string;
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly nodeName: string;
  readonly startedAt: string;
  /** The process that started the cluster; `cluster:up` exits at once, a test run owns its cluster. */
  readonly ownerPid: number;
  /** The checkout whose code started it (its `cluster:down` pointer). */
  readonly checkout?: string;
  /** In start order; stopped together. */
  readonly processes: readonly RunningProcess[];
}

export const stateFileName = 'state.json';
/** Prefix of every state folder under the system temp folder. */
export const stateDirPrefix = 'typed-gitops-cp-';

export function writeState(state: ClusterState): void {
  writeFileSync(join(state.stateDir, stateFileName), JSON.stringify(state, null, 2) + '\n');
}

export function readState(stateDir: string): ClusterState {
  const file = join(stateDir, stateFileName);
  if (!existsSync(file)) {
    throw new ControlPlaneError('state', `no ${stateFileName} in ${stateDir}`, 'the folder is not a running control plane; remove it by hand');
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

export function pointToLastCluster(stateDir: string, checkout = checkoutRoot): void {
  const pointer = lastClusterPointer(checkout);
  mkdirSync(dirname(pointer), { recursive: true });
  writeFileSync(pointer, stateDir + '\n');
}

/** The plane `cluster:up` last started from this checkout, while its folder is there. */
export function lastClusterDir(checkout = checkoutRoot): string | undefined {
  const pointer = lastClusterPointer(checkout);
  if (!existsSync(pointer) || !statSync(pointer).isFile()) return undefined;
  const dir = readFileSync(pointer, 'utf8').trim();
  return existsSync(join(dir, stateFileName)) ? dir : undefined;
}

/** Drops the checkout's pointer if it still names this cluster. */
export function forgetCluster(stateDir: string, checkout = checkoutRoot): void {
  const pointer = lastClusterPointer(checkout);
  if (existsSync(pointer) && statSync(pointer).isFile() && readFileSync(pointer, 'utf8').trim() === stateDir) rmSync(pointer);
}

/**
 * State folders in the temp folder whose starting process has ended: clusters from
 * `cluster:up` and ones left by killed test runs, never one a running test run owns.
 */
export function unownedClusterDirs(): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith(stateDirPrefix))
    .map((name) => join(tmpdir(), name))
    .filter((dir) => existsSync(join(dir, stateFileName)) && !processAlive(readState(dir).ownerPid));
}
