// Where the control plane keeps things outside the repository: built binaries
// per version key, and a pointer to the last cluster started by `cluster:up`.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheKey } from './versions.js';

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'typed-gitops', 'controlplane');
}

export interface BuildPaths {
  /** Everything for one version key: wrapper module, logs, binaries. */
  readonly root: string;
  readonly bin: string;
  readonly logs: string;
  /** Generated Go module that builds the Kubernetes binaries and etcd. */
  readonly wrapper: string;
  /** kwok stage configs, concatenated from the kwok module. */
  readonly kwokStages: string;
  /** Written last: its presence means the build is complete. */
  readonly manifest: string;
}

export function buildPaths(key: string = cacheKey()): BuildPaths {
  const root = join(cacheRoot(), key);
  return {
    root,
    bin: join(root, 'bin'),
    logs: join(root, 'logs'),
    wrapper: join(root, 'wrapper'),
    kwokStages: join(root, 'kwok-stages.yaml'),
    manifest: join(root, 'build.json'),
  };
}

/** Holds the state folder of the cluster last started by `cluster:up`. */
export function lastClusterPointer(): string {
  return join(cacheRoot(), 'last-cluster');
}
