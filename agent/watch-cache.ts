// A watch-fed cache of the objects the agent manages, one list-then-watch per kind and scope (the
// cluster, or one namespace: watch-scope.ts), filtered by our owner label, so steady-state reconciles
// read memory instead of the API server and a change made by someone else is seen within moments.
import pLimit from 'p-limit';
import type { KindScope, KubeClient } from './kube.ts';
import { refusalOf } from './kube.ts';
import { RefusedError, type WatchEvent as ServerEvent } from './kube-http.ts';
import { FIELD_MANAGER, ownerSelector } from './labels.ts';
import { handEdited, lastOtherManager, ownedHash } from './managed-fields.ts';
import type { K8sObject } from './types.ts';
import { scopeKey } from './watch-scope.ts';

export type WatchEvent = 'add' | 'update' | 'delete';

/**
 * What the cache keeps of a live object: the object without its managedFields (as large as the rest of
 * it, and a tree of many small objects) and the two things the agent reads from them.
 */
export interface CachedObject {
  readonly object: K8sObject;
  /** Hash of the fields our field manager owns (managed-fields.ts); undefined when it owns none. */
  readonly ownedHash: string | undefined;
  /** The field manager other than ours that wrote to the object last. */
  readonly lastOtherManager: string | undefined;
  /** A hand edit (kubectl edit, client-side apply) owns some of its fields (managed-fields.ts). */
  readonly handEdited: boolean;
}

export interface WatchCacheOptions {
  readonly kube: KubeClient;
  readonly env: string;
  readonly onEvent: (event: WatchEvent, cached: CachedObject) => void;
  readonly onError: (message: string) => void;
  /** First pause before listing again after a watch failed (default 1 s; doubles up to 30 s while failures go on). */
  readonly retryMs?: number;
}

/** One scope's objects by namespace/name, and the resourceVersion the watch resumes from. */
interface ScopeWatch {
  readonly scope: KindScope;
  readonly objects: Map<string, CachedObject>;
  /** Aborted when the scope is no longer wanted, or the cache stops. */
  readonly stopping: AbortController;
  resourceVersion: string;
}

// The server ends each watch after this long; the next one resumes from the last resourceVersion.
const WATCH_SECONDS = 300;
/** First lists in flight at once. */
const FIRST_LISTS = 8;

export class WatchCache {
  private readonly watches = new Map<string, ScopeWatch>();
  private stopped = false;

  constructor(private readonly options: WatchCacheOptions) {}

  /**
   * Watches exactly these scopes: starts those not watched yet, each after a first full list (which
   * throws when it fails: the caller must not take an unlisted scope for an empty one), and stops
   * the others (a namespace the environment left: nothing of ours is tracked there any more).
   */
  async ensure(scopes: readonly KindScope[]): Promise<void> {
    const wanted = new Map(scopes.map((s) => [scopeKey(s), s]));
    for (const [key, watch] of this.watches) {
      if (!wanted.has(key)) { watch.stopping.abort(); this.watches.delete(key); }
    }
    // A few first lists at a time (a revision may name many namespaces), and none more once one failed.
    const limit = pLimit(FIRST_LISTS);
    await Promise.all([...wanted].map(([key, scope]) => limit(async () => {
      if (this.watches.has(key)) return;
      const watch: ScopeWatch = { scope, objects: new Map(), stopping: new AbortController(), resourceVersion: '' };
      await this.relist(watch).catch((error: unknown) => { limit.clearQueue(); throw error; });
      if (this.watches.has(key) || this.stopped) return;
      this.watches.set(key, watch);
      void this.follow(watch);
    })));
  }

  /** The kind's objects in every scope watched. */
  list(apiVersion: string, kind: string): CachedObject[] {
    const objects: CachedObject[] = [];
    for (const { scope, objects: byName } of this.watches.values()) {
      if (scope.apiVersion === apiVersion && scope.kind === kind) objects.push(...byName.values());
    }
    return objects;
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.watches.values()) watch.stopping.abort();
  }

  /** Watches from the last resourceVersion until stopped; after any failure (410 Gone included) lists again, backing off. */
  private async follow(watch: ScopeWatch): Promise<void> {
    const { signal } = watch.stopping;
    const firstPause = this.options.retryMs ?? 1000;
    let pause = firstPause;
    while (!signal.aborted) {
      try {
        if (!watch.resourceVersion) await this.relist(watch);
        const query = { labelSelector: ownerSelector(this.options.env), resourceVersion: watch.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(WATCH_SECONDS) };
        await this.options.kube.watch(watch.scope, query, (event) => { this.apply(watch, event); pause = firstPause; }, signal);
      } catch (error) {
        if (signal.aborted) return;
        watch.resourceVersion = '';
        if (refusalOf(error)?.status === 410) continue; // our resourceVersion is too old: list now
        const { kind, apiVersion, namespace } = watch.scope;
        this.options.onError(`watch of ${kind} (${apiVersion})${namespace ? ` in namespace ${namespace}` : ''} failed: ${refusalOf(error)?.message ?? (error as Error).message}; listing again in ${pause} ms`);
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 30_000);
      }
    }
  }

  private apply(watch: ScopeWatch, event: ServerEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; reason?: string; message?: string };
      throw new RefusedError({ status: status.code ?? 0, reason: status.reason ?? '', message: status.message ?? 'watch error' }); // 410: too old, list again
    }
    watch.resourceVersion = event.object.metadata?.resourceVersion ?? watch.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const cached = slim({ ...event.object, apiVersion: watch.scope.apiVersion, kind: watch.scope.kind } as K8sObject);
    const key = keyOf(cached.object);
    if (event.type === 'DELETED') {
      watch.objects.delete(key);
      this.options.onEvent('delete', cached);
    } else {
      const known = watch.objects.has(key);
      watch.objects.set(key, cached);
      this.options.onEvent(known ? 'update' : 'add', cached);
    }
  }

  /** Replaces the kind's objects with a fresh list, telling what changed while nobody watched. */
  private async relist(watch: ScopeWatch): Promise<void> {
    const { apiVersion, kind, namespace } = watch.scope;
    const { objects, resourceVersion } = await this.options.kube.listWithVersion(apiVersion, kind, { namespace, labelSelector: ownerSelector(this.options.env) });
    const before = new Map(watch.objects);
    watch.objects.clear();
    for (const object of objects) {
      const cached = slim(object);
      const key = keyOf(object);
      const old = before.get(key);
      before.delete(key);
      watch.objects.set(key, cached);
      if (old?.object.metadata.resourceVersion !== object.metadata.resourceVersion) this.options.onEvent(old ? 'update' : 'add', cached);
    }
    for (const gone of before.values()) this.options.onEvent('delete', gone);
    watch.resourceVersion = resourceVersion;
  }
}

function slim(object: K8sObject): CachedObject {
  const { managedFields: _, ...metadata } = object.metadata;
  return { object: { ...object, metadata }, ownedHash: ownedHash(object, FIELD_MANAGER), lastOtherManager: lastOtherManager(object, FIELD_MANAGER), handEdited: handEdited(object) };
}

function keyOf(object: K8sObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
