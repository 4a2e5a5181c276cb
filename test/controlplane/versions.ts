// The one place that pins what the test control plane is built from. Changing a
// value here changes the cache key, so the next build starts from scratch.

export interface Versions {
  readonly kubernetes: string;
  readonly etcd: string;
  readonly kwok: string;
  readonly go: string;
}

export const versions: Versions = {
  /** k8s.io/kubernetes release; its staging modules are published as v0.<minor>.<patch>. */
  kubernetes: 'v1.37.2',
  /** go.etcd.io/etcd/server/v3: the etcd this Kubernetes release uses (build/dependencies.yaml). */
  etcd: 'v3.7.0',
  /** sigs.k8s.io/kwok: fake nodes and pod lifecycle stages. */
  kwok: 'v0.8.0',
  /** The Go toolchain every binary is built with; a different `go version` is refused. */
  go: 'go1.26.8',
};

/** Folder name under the cache root: every pin appears in it, so no stale binary survives a bump. */
export function cacheKey(v: Versions = versions): string {
  return `k8s-${v.kubernetes}_etcd-${v.etcd}_kwok-${v.kwok}_${v.go}`;
}

/** Staging module tag for a Kubernetes release: v1.37.2 -> v0.37.2. */
export function stagingTag(kubernetes: string): string {
  return kubernetes.replace(/^v1\./, 'v0.');
}
