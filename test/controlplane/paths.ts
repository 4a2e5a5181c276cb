// Where the control plane keeps things outside the repository: built binaries
// per version key, and, per checkout, a pointer to the last cluster it started with `cluster:up`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { typedGitopsCache } from '../../core/go-install.ts';
import { cacheKey } from './versions.js';

export function cacheRoot(): string {
  return join(typedGitopsCache(), 'controlplane');
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

/** The root of this checkout (worktree): the nearest folder up with a package.json, from sources and from bundles in .gitops-cache/bin alike. */
export const checkoutRoot = nearestPackageRoot(import.meta.dirname);

function nearestPackageRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

/**
 * Holds the state folder of the cluster `cluster:up` last started from `checkout`: one pointer per
 * checkout, so `cluster:down` in one worktree never stops the plane another one is using.
 */
export function lastClusterPointer(checkout: string = checkoutRoot): string {
  const key = createHash('sha256').update(resolve(checkout)).digest('hex').slice(0, 16);
  // Not under `last-cluster`: checkouts with older code still write that one file.
  return join(cacheRoot(), 'last-cluster-by-checkout', key);
}
