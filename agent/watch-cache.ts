// A watch-fed cache of the objects the agent manages, one informer per kind (filtered by our
// owner label), so steady-state reconciles read memory instead of the API server and a change
// made by someone else is seen within moments.
import { makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { formatError } from '../compiler/errors.ts';
import type { KubeClient } from './kube.ts';
import { ownerSelector } from './labels.ts';
import type { K8sObject } from './types.ts';

export type WatchEvent = 'add' | 'update' | 'delete';

interface KindWatch {
  readonly informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  readonly ready: Promise<void>;
}

export interface WatchCacheOptions {
  readonly kubeConfig: KubeConfig;
  readonly kube: KubeClient;
  readonly env: string;
  readonly onEvent: (event: WatchEvent, object: K8sObject) => void;
  readonly onError: (message: string) => void;
}

export class WatchCache {
  private readonly kinds = new Map<string, KindWatch>();
  private stopped = false;

  constructor(private readonly options: WatchCacheOptions) {}

  /** Starts watching the given kinds (those not watched yet) and waits for their first list. */
  async ensure(kinds: Iterable<{ apiVersion: string; kind: string }>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const { apiVersion, kind } of kinds) {
      const key = `${apiVersion}/${kind}`;
      let watch = this.kinds.get(key);
      if (!watch) {
        const path = await this.options.kube.collectionPath(apiVersion, kind);
        if (!path) continue; // kind not served (yet): nothing of it can exist
        watch = this.start(apiVersion, kind, path);
        this.kinds.set(key, watch);
      }
      waits.push(watch.ready);
    }
    await Promise.all(waits);
  }

  list(apiVersion: string, kind: string): K8sObject[] {
    const watch = this.kinds.get(`${apiVersion}/${kind}`);
    return watch ? watch.informer.list().map((o) => ({ ...(o as K8sObject), apiVersion, kind })) : [];
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.kinds.values()) void w.informer.stop();
  }

  private start(apiVersion: string, kind: string, path: string): KindWatch {
    const selector = ownerSelector(this.options.env);
    const listFn = async () => {
      const { objects, resourceVersion } = await this.options.kube.listWithVersion(apiVersion, kind, { labelSelector: selector });
      return { metadata: { resourceVersion }, items: objects } as never;
    };
    const informer = makeInformer(this.options.kubeConfig, path, listFn, selector);
    const emit = (event: WatchEvent) => (o: KubernetesObject) => this.options.onEvent(event, { ...(o as K8sObject), apiVersion, kind });
    informer.on('add', emit('add'));
    informer.on('update', emit('update'));
    informer.on('delete', emit('delete'));
    informer.on('error', (error) => {
      if (this.stopped) return;
      this.options.onError(`watch of ${kind} (${apiVersion}) failed: ${formatError(error)}; restarting`);
      setTimeout(() => { if (!this.stopped) void informer.start(); }, 1000);
    });
    return { informer, ready: informer.start() }; // resolves once the first list is in
  }
}
