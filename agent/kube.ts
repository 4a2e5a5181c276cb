// The agent's thin adapter over the Kubernetes API (@kubernetes/client-node): server-side apply,
// list, read and delete of any kind, with every request counted and every error made a
// ClusterError that names the object and carries the server's reason.
import { KubeConfig, KubernetesObjectApi, PatchStrategy, ServerConfiguration, createConfiguration, type RequestContext, type SecurityAuthentication } from '@kubernetes/client-node';
import { Agent } from 'node:https';
import { ClusterError } from '../compiler/errors.ts';
import { formatRef, refOf } from '../compiler/kinds.ts';
import { FIELD_MANAGER } from './labels.ts';
import type { K8sObject, ObjectRef } from './types.ts';

export interface RequestCounts {
  requests: number;
  writes: number;
}

/** What the server said when it refused a request. */
export interface ServerRefusal {
  readonly status: number; // HTTP status, 0 when the server was not reached
  readonly reason: string; // e.g. 'NotFound', 'Invalid', 'Conflict'
  readonly message: string;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** KubernetesObjectApi with its discovery lookup made public (for watch paths). */
class ObjectApi extends KubernetesObjectApi {
  resourceOf(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

export class KubeClient {
  readonly counts: RequestCounts = { requests: 0, writes: 0 };
  private api: ObjectApi;
  private readonly auth: SecurityAuthentication;

  constructor(private readonly kubeConfig: KubeConfig, private readonly fieldManager = FIELD_MANAGER) {
    this.auth = pooledAuthentication(kubeConfig);
    this.api = this.makeApi();
  }

  /** Forgets cached API discovery, e.g. after new CRDs were established. */
  refreshDiscovery(): void {
    this.api = this.makeApi();
  }

  private makeApi(): ObjectApi {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new ClusterError('the kubeconfig has no current cluster', { object: 'kubeconfig' });
    const api = new ObjectApi(createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: this.auth } }));
    (api as unknown as { setDefaultNamespace(kc: KubeConfig): void }).setDefaultNamespace(this.kubeConfig);
    return api;
  }

  /** Server-side apply (or its dry run); returns the object as the server stored it. */
  async apply(object: K8sObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<K8sObject> {
    return this.call(object, !options.dryRun, () =>
      this.api.patch(unshared(object), undefined, options.dryRun ? 'All' : undefined, this.fieldManager, options.force ?? true, PatchStrategy.ServerSideApply));
  }

  /** Creates an object; fails with 409 when it exists (for optimistic locking, e.g. the leader Lease). */
  async create(object: K8sObject): Promise<K8sObject> {
    return this.call(object, true, () => this.api.create(unshared(object)));
  }

  /** Replaces an object; with metadata.resourceVersion set, fails with 409 when someone wrote it in between. */
  async replace(object: K8sObject): Promise<K8sObject> {
    return this.call(object, true, () => this.api.replace(unshared(object)));
  }

  async delete(ref: ObjectRef & { apiVersion: string }, propagationPolicy: string): Promise<void> {
    const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace || undefined } };
    try {
      await this.call(header, true, () => this.api.delete(header, undefined, undefined, undefined, undefined, propagationPolicy));
    } catch (error) {
      if (refusalOf(error)?.status !== 404) throw error; // already gone is fine
    }
  }

  async read(apiVersion: string, kind: string, namespace: string, name: string): Promise<K8sObject | undefined> {
    const header = { apiVersion, kind, metadata: { name, namespace: namespace || undefined } };
    try {
      return await this.call(header, false, () => this.api.read(header));
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
    const objects: K8sObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      this.counts.requests++;
      const page = await this.api.list(apiVersion, kind, options.namespace, undefined, undefined, undefined, undefined, options.labelSelector, 1000, continueToken)
        .catch((error: unknown) => { throw clusterError(error, `list ${kind} (${apiVersion})`); });
      objects.push(...(page.items as unknown as K8sObject[]).map((o) => ({ ...plain(o), apiVersion, kind })));
      continueToken = page.metadata?._continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    return { objects, resourceVersion };
  }

  /** The URL path of a kind's collection across namespaces (e.g. /apis/apps/v1/deployments), for watches; undefined when not served. */
  async collectionPath(apiVersion: string, kind: string): Promise<string | undefined> {
    this.counts.requests++;
    const resource = await this.api.resourceOf(apiVersion, kind).catch(() => undefined);
    if (!resource) return undefined;
    return `${apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`}/${resource.name}`;
  }

  /** Refuse writes unless this says yes (leader election): checked right before every write. */
  writeGuard?: () => string | undefined;

  private async call(object: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }, write: boolean, request: () => Promise<unknown>): Promise<K8sObject> {
    const refusal = write ? this.writeGuard?.() : undefined;
    if (refusal) throw new ClusterError(`not writing ${formatRef(refOf(object as K8sObject))}: ${refusal}`, { object: formatRef(refOf(object as K8sObject)) });
    this.counts.requests++;
    if (write) this.counts.writes++;
    try {
      return plain(await request());
    } catch (error) {
      throw clusterError(error, formatRef(refOf(object as K8sObject)));
    }
  }
}

/**
 * The kubeconfig's authentication (headers, client certificates, CA) over one keep-alive connection pool.
 * client-node makes a new https.Agent per request: a new TLS context and handshake each time, which made
 * a first apply of 3,500 objects spend most of its CPU in TLS set-up. Proxy agents are left as they are.
 */
function pooledAuthentication(kubeConfig: KubeConfig): SecurityAuthentication {
  let pool: Agent | undefined;
  return {
    getName: () => 'kubeconfig-pooled',
    async applySecurityAuthentication(context: RequestContext) {
      await kubeConfig.applySecurityAuthentication(context);
      const agent = context.getAgent();
      if (kubeConfig.getCurrentCluster()?.proxyUrl || !(agent instanceof Agent)) return;
      pool ??= new Agent({ ...(agent as Agent & { options: object }).options, keepAlive: true });
      context.setAgent(pool);
    },
  };
}

/** The client fills in apiVersion and metadata.namespace of what it sends; the caller's object (maybe cached) stays as it was. */
function unshared(object: K8sObject): K8sObject {
  return { ...object, metadata: { ...object.metadata } };
}

/** The client returns model class instances (with Date fields); the agent works on plain JSON. */
function plain(value: unknown): K8sObject {
  return JSON.parse(JSON.stringify(value)) as K8sObject;
}

export function refusalOf(error: unknown): ServerRefusal | undefined {
  if (error instanceof ClusterError) return (error.cause as { refusal?: ServerRefusal } | undefined)?.refusal;
  const e = error as { code?: number; body?: unknown; message?: string };
  if (typeof e?.code !== 'number') return undefined;
  let body: { reason?: string; message?: string } = {};
  try {
    body = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as typeof body) ?? {};
  } catch { /* not JSON */ }
  return { status: e.code, reason: body.reason ?? '', message: body.message ?? e.message ?? 'request failed' };
}

function clusterError(error: unknown, about: string): ClusterError {
  const refusal = refusalOf(error) ?? { status: 0, reason: 'Unreachable', message: (error as Error)?.message ?? String(error) };
  return new ClusterError(refusal.message, { object: about }, { cause: { refusal } }); // formatError puts `about` in front
}
