// A watch-fed cache of the objects the agent manages, one list-then-watch per kind (filtered by our
// owner label), so steady-state reconciles read memory instead of the API server and a change
// made by someone else is seen within moments.
import type { KubeClient } from './kube.ts';
import { refusalOf } from './kube.ts';
import { RefusedError, type WatchEvent as ServerEvent } from './kube-http.ts';
import { FIELD_MANAGER, ownerSelector } from './labels.ts';
import { handEdited, lastOtherManager, ownedHash } from './managed-fields.ts';
import type { K8sObject } from './types.ts';

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

/** One kind's objects by namespace/name, and the resourceVersion the watch resumes from. */
interface KindWatch {
  readonly apiVersion: string;
  readonly kind: string;
  readonly path: string;
  readonly objects: Map<string, CachedObject>;
  resourceVersion: string;
}

// The server ends each watch after this long; the next one resumes from the last resourceVersion.
const WATCH_SECONDS = 300;

export class WatchCache {
  private readonly kinds = new Map<string, KindWatch>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: WatchCacheOptions) {}

  /** Starts watching the given kinds (those not watched yet), each after a first full list. */
  async ensure(kinds: Iterable<{ apiVersion: string; kind: string }>): Promise<void> {
    await Promise.all([...kinds].map(async ({ apiVersion, kind }) => {
      const key = `${apiVersion}/${kind}`;
      if (this.kinds.has(key)) return;
      const path = await this.options.kube.collectionPath(apiVersion, kind);
      if (!path) return; // kind not served (yet): nothing of it can exist
      const watch: KindWatch = { apiVersion, kind, path, objects: new Map(), resourceVersion: '' };
      await this.relist(watch);
      if (this.kinds.has(key) || this.stopping.signal.aborted) return;
      this.kinds.set(key, watch);
      void this.follow(watch);
    }));
  }

  list(apiVersion: string, kind: string): CachedObject[] {
    return [...(this.kinds.get(`${apiVersion}/${kind}`)?.objects.values() ?? [])];
  }

  stop(): void {
    this.stopping.abort();
  }

  /** Watches from the last resourceVersion until stopped; after any failure (410 Gone included) lists again, backing off. */
  private async follow(watch: KindWatch): Promise<void> {
    const { signal } = this.stopping;
    const firstPause = this.options.retryMs ?? 1000;
    let pause = firstPause;
    while (!signal.aborted) {
      try {
        if (!watch.resourceVersion) await this.relist(watch);
        const query = { labelSelector: ownerSelector(this.options.env), resourceVersion: watch.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(WATCH_SECONDS) };
        await this.options.kube.http.watch(watch.path, query, (event) => { this.apply(watch, event); pause = firstPause; }, signal);
      } catch (error) {
        if (signal.aborted) return;
        watch.resourceVersion = '';
        if (refusalOf(error)?.status === 410) continue; // our resourceVersion is too old: list now
        this.options.onError(`watch of ${watch.kind} (${watch.apiVersion}) failed: ${refusalOf(error)?.message ?? (error as Error).message}; listing again in ${pause} ms`);
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 30_000);
      }
    }
  }

  private apply(watch: KindWatch, event: ServerEvent): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; reason?: string; message?: string };
      throw new RefusedError({ status: status.code ?? 0, reason: status.reason ?? '', message: status.message ?? 'watch error' }); // 410: too old, list again
    }
    watch.resourceVersion = event.object.metadata?.resourceVersion ?? watch.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const cached = slim({ ...event.object, apiVersion: watch.apiVersion, kind: watch.kind } as K8sObject);
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
  private async relist(watch: KindWatch): Promise<void> {
    const { objects, resourceVersion } = await this.options.kube.listWithVersion(watch.apiVersion, watch.kind, { labelSelector: ownerSelector(this.options.env) });
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
