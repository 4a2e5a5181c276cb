// The agent's view of the Kubernetes API: server-side apply, create, replace, list, read and delete
// of any kind (paths found by discovery), list and watch in a namespace or everywhere, with every
// request counted and every error made a ClusterError that names the object and carries the server's
// reason (for a 403, the permission it lacks: permission.ts).
import { ClusterError } from '../core/errors.ts';
import { formatRef, groupOf, refOf, versionOf } from '../core/kinds.ts';
import { apiPath, KubeHttp, RefusedError, UnsafePathError, type PathSegment, type ServerRefusal, type WatchEvent } from './kube-http.ts';
import type { KubeConnection } from './kubeconfig.ts';
import { FIELD_MANAGER } from './labels.ts';
import { missingPermission, refusedVerb, type Access } from './permission.ts';
import type { K8sObject, ObjectRef } from './types.ts';

export type { ServerRefusal } from './kube-http.ts';

export interface RequestCounts {
  requests: number;
  writes: number;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** A kind as discovery serves it. */
export interface Resource {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Where one list or watch looks: a kind in one namespace, or (namespace undefined) everywhere. */
export interface KindScope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

const REDISCOVER_MS = 5_000;

type Header = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } };

export class KubeClient {
  readonly counts: RequestCounts = { requests: 0, writes: 0 };
  readonly http: KubeHttp;
  /** Kinds served per group version, from discovery (one request per group version; see resourceOf for when it is asked again). */
  private discovery = new Map<string, { readonly at: number; readonly served: Promise<Map<string, Resource>> }>();
  /** mayWatchEverywhere's answers per resource. */
  private readonly everywhere = new Map<string, Promise<boolean>>();

  constructor(connection: KubeConnection, private readonly fieldManager = FIELD_MANAGER) {
    this.http = new KubeHttp(connection);
  }

  /** Forgets cached API discovery, e.g. after new CRDs were established. */
  refreshDiscovery(): void {
    this.discovery = new Map();
  }

  /** Server-side apply (or its dry run); returns the object as the server stored it. */
  async apply(object: K8sObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<K8sObject> {
    return this.call(object, { write: !options.dryRun, at: 'item', verb: 'patch' }, async (path) => this.http.request('PATCH', path, {
      query: { fieldManager: this.fieldManager, force: String(options.force ?? true), dryRun: options.dryRun ? 'All' : undefined },
      body: object, // JSON is YAML
      contentType: 'application/apply-patch+yaml',
    }));
  }

  /** A JSON patch (RFC 6902) of an object, e.g. of its managedFields, with a `test` op to guard it. */
  async jsonPatch(object: K8sObject, operations: readonly object[]): Promise<K8sObject> {
    return this.call(object, { write: true, at: 'item', verb: 'patch' }, (path) => this.http.request('PATCH', path, { query: { fieldManager: this.fieldManager }, body: operations, contentType: 'application/json-patch+json' }));
  }

  /** Creates an object; fails with 409 when it exists (for optimistic locking, e.g. the leader Lease). */
  async create(object: K8sObject): Promise<K8sObject> {
    return this.call(object, { write: true, at: 'collection', verb: 'create' }, (path) => this.http.request('POST', path, { body: object }));
  }

  /** Replaces an object; with metadata.resourceVersion set, fails with 409 when someone wrote it in between. */
  async replace(object: K8sObject): Promise<K8sObject> {
    return this.call(object, { write: true, at: 'item', verb: 'update' }, (path) => this.http.request('PUT', path, { body: object }));
  }

  async delete(ref: ObjectRef & { apiVersion: string }, propagationPolicy: string): Promise<void> {
    const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace || undefined } };
    try {
      await this.call(header, { write: true, at: 'item', verb: 'delete' }, (path) => this.http.request('DELETE', path, { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy } }));
    } catch (error) {
      if (refusalOf(error)?.status !== 404) throw error; // already gone is fine
    }
  }

  async read(apiVersion: string, kind: string, namespace: string, name: string): Promise<K8sObject | undefined> {
    const header = { apiVersion, kind, metadata: { name, namespace: namespace || undefined } };
    try {
      return await this.call(header, { write: false, at: 'item', verb: 'get' }, (path) => this.http.request('GET', path));
    } catch (error) {
      if (refusalOf(error)?.status === 404) return undefined;
      throw error;
    }
  }

  /** All objects of a kind (in one namespace, or everywhere), optionally by label selector. */
  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<K8sObject[]> {
    return (await this.listWithVersion(apiVersion, kind, options)).objects;
  }

  /** Like list, plus the list's resourceVersion (to start a watch from); pages through large lists. */
  async listWithVersion(apiVersion: string, kind: string, options: ListOptions = {}): Promise<{ objects: K8sObject[]; resourceVersion: string }> {
    const about = `list ${kind} (${apiVersion})${options.namespace ? ` in namespace ${options.namespace}` : ''}`;
    const objects: K8sObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    let access: Access | undefined;
    try {
      const resource = await this.resourceOf(apiVersion, kind);
      const namespace = resource.namespaced ? options.namespace : undefined;
      access = accessOf('list', apiVersion, resource, namespace);
      const path = apiPath(collectionSegments(apiVersion, resource, namespace));
      do {
        this.counts.requests++;
        const page = await this.http.request<{ items: K8sObject[]; metadata: { continue?: string; resourceVersion?: string } }>('GET', path, {
          query: { labelSelector: options.labelSelector, limit: '1000', continue: continueToken },
        });
        for (const item of page.items) objects.push({ ...item, apiVersion, kind }); // list items carry neither
        continueToken = page.metadata.continue || undefined;
        resourceVersion = page.metadata.resourceVersion ?? resourceVersion;
      } while (continueToken);
    } catch (error) {
      throw clusterError(error, about, access);
    }
    return { objects, resourceVersion };
  }

  /** Streams a watch of a kind in its scope (see KubeHttp.watch); a refusal names the permission it lacks. */
  async watch(scope: KindScope, query: Record<string, string | undefined>, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const resource = await this.resourceOf(scope.apiVersion, scope.kind);
    const namespace = resource.namespaced ? scope.namespace : undefined;
    try {
      await this.http.watch(apiPath(collectionSegments(scope.apiVersion, resource, namespace)), query, onEvent, signal);
    } catch (error) {
      if (!refusalOf(error) || signal.aborted) throw error;
      throw clusterError(error, `watch ${scope.kind} (${scope.apiVersion})${namespace ? ` in namespace ${namespace}` : ''}`, accessOf('watch', scope.apiVersion, resource, namespace));
    }
  }

  /** How the server serves a kind; undefined when it does not. A discovery that failed throws: not served would mean none of its objects exist. */
  async resource(apiVersion: string, kind: string): Promise<Resource | undefined> {
    return this.resourceOf(apiVersion, kind).catch((error: unknown) => {
      if (refusalOf(error)?.status === 404) return undefined;
      throw clusterError(error, `discovery of ${kind} (${apiVersion})`);
    });
  }

  /**
   * Whether this identity may list and watch a namespaced kind in every namespace at once, as a
   * SelfSubjectAccessReview answers it (which every user may ask), once per kind for the client's life.
   */
  async mayWatchEverywhere(apiVersion: string, resource: Resource): Promise<boolean> {
    const key = `${apiVersion}/${resource.plural}`;
    let answer = this.everywhere.get(key);
    if (!answer) {
      answer = Promise.all(['list', 'watch'].map((verb) => this.accessReview({ verb, group: groupOf(apiVersion), resource: resource.plural })))
        .then((allowed) => allowed.every(Boolean), () => {
          this.everywhere.delete(key); // no answer: per namespace this time (that works either way), and ask again next time
          return false;
        });
      this.everywhere.set(key, answer);
    }
    return answer;
  }

  private async accessReview(attributes: { verb: string; group: string; resource: string }): Promise<boolean> {
    this.counts.requests++;
    const review = await this.http.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } },
    });
    return review.status?.allowed === true;
  }

  /** The URL path of a kind's collection across namespaces (e.g. /apis/apps/v1/deployments); undefined when not served. */
  async collectionPath(apiVersion: string, kind: string): Promise<string | undefined> {
    const resource = await this.resource(apiVersion, kind);
    return resource && apiPath(collectionSegments(apiVersion, resource));
  }

  /** Refuse writes unless this says yes (leader election): checked right before every write. */
  writeGuard?: () => string | undefined;

  /** One request about one object, at its collection (in its namespace) or at the object itself. */
  private async call(object: Header, how: { write: boolean; at: 'collection' | 'item'; verb: string }, request: (path: string) => Promise<unknown>): Promise<K8sObject> {
    const about = formatRef(refOf(object as K8sObject));
    const refusal = how.write ? this.writeGuard?.() : undefined;
    if (refusal) throw new ClusterError(`not writing ${about}: ${refusal}`, { object: about });
    let access: Access | undefined;
    try {
      const name: PathSegment[] = how.at === 'item' ? [['name', object.metadata.name ?? '']] : [];
      apiPath(name); // a bad name is refused before discovery is asked
      const resource = await this.resourceOf(object.apiVersion, object.kind);
      const namespace = resource.namespaced ? object.metadata.namespace || this.http.connection.namespace : undefined;
      access = accessOf(how.verb, object.apiVersion, resource, namespace);
      const path = apiPath([...collectionSegments(object.apiVersion, resource, namespace), ...name]);
      this.counts.requests++;
      if (how.write) this.counts.writes++;
      return (await request(path)) as K8sObject;
    } catch (error) {
      throw clusterError(error, about, access);
    }
  }

  /**
   * How the server serves a kind; a kind it does not serve is refused as NotFound (like a missing object).
   * A kind missing from discovery older than a few seconds is looked up again: its CRD may have come since.
   */
  private async resourceOf(apiVersion: string, kind: string): Promise<Resource> {
    let entry = this.discovery.get(apiVersion);
    const stale = entry && Date.now() - entry.at > REDISCOVER_MS && !(await entry.served.catch(() => undefined))?.has(kind);
    if (!entry || (stale && this.discovery.get(apiVersion) === entry)) {
      const fresh = { at: Date.now(), served: this.discover(apiVersion) };
      this.discovery.set(apiVersion, fresh);
      fresh.served.catch(() => { if (this.discovery.get(apiVersion) === fresh) this.discovery.delete(apiVersion); }); // ask again next time
    }
    entry = this.discovery.get(apiVersion)!;
    const resource = (await entry.served).get(kind);
    if (!resource) throw new RefusedError({ status: 404, reason: 'NotFound', message: `the server does not serve kind ${kind} in ${apiVersion} (is its CRD installed?)` });
    return resource;
  }

  private async discover(apiVersion: string): Promise<Map<string, Resource>> {
    this.counts.requests++;
    const list = await this.http.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', apiPath(groupVersionSegments(apiVersion)))
      .catch((error: unknown) => {
        if (refusalOf(error)?.status === 404) return { resources: [] }; // group version not served
        throw error;
      });
    return new Map(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]));
  }
}

/** ['api', 'v1'] or ['apis', 'apps', 'v1']; a version with a '/' of its own is refused by apiPath. */
function groupVersionSegments(apiVersion: string): PathSegment[] {
  if (!apiVersion.includes('/')) return [['path', 'api'], ['apiVersion', apiVersion]];
  return [['path', 'apis'], ['API group', groupOf(apiVersion)], ['API version', versionOf(apiVersion)]];
}

function collectionSegments(apiVersion: string, resource: Resource, namespace?: string): PathSegment[] {
  return [...groupVersionSegments(apiVersion), ...(namespace !== undefined ? [['path', 'namespaces'], ['namespace', namespace]] as const : []), ['resource', resource.plural]];
}

export function refusalOf(error: unknown): ServerRefusal | undefined {
  if (error instanceof RefusedError) return error.refusal;
  if (error instanceof ClusterError) return (error.cause as { refusal?: ServerRefusal } | undefined)?.refusal;
  return undefined;
}

function accessOf(verb: string, apiVersion: string, resource: Resource, namespace: string | undefined): Access {
  return { verb, group: groupOf(apiVersion), resource: resource.plural, namespace, allNamespaces: resource.namespaced && namespace === undefined };
}

/** `access`: the request as RBAC judged it, to name the missing permission of a 403 (in the message every caller shows). */
function clusterError(error: unknown, about: string, access?: Access): ClusterError {
  if (error instanceof ClusterError) return error;
  if (error instanceof UnsafePathError) {
    return new ClusterError(`refused before any request: ${error.message}`, { object: about, hint: 'Kubernetes names are DNS-1123 names; rename the object (or fix its apiVersion) where it is defined.' });
  }
  let refusal = refusalOf(error) ?? { status: 0, reason: 'Unreachable', message: (error as Error)?.message ?? String(error) };
  if (refusal.status === 403 && access) {
    refusal = { ...refusal, message: `${refusal.message}; ${missingPermission({ ...access, verb: refusedVerb(refusal.message) ?? access.verb })}` };
  }
  return new ClusterError(refusal.message, { object: about }, { cause: { refusal } }); // formatError puts `about` in front
}
