// Where the agent's cluster is and how to prove who it is: the usual kubeconfig rules (a file given,
// KUBECONFIG, ~/.kube/config) or, inside a pod, the service account. Entries are parsed by
// client-node's kubeconfig types, a small module imported alone because client-node's KubeConfig
// pulls in the whole generated API (80 MB of RSS); exec plugins are run by exec-credential.ts.
import { existsSync, readFileSync } from 'node:fs';
import { Agent, type RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { newClusters, newContexts, newUsers, type Cluster, type Context, type User } from '@kubernetes/client-node/dist/config_types.js';
import { parse } from 'yaml';
import { UserInputError } from '../core/errors.ts';
import { execCredentials, type ExecCredential } from './exec-credential.ts';
import { impersonationOf, type Impersonation } from './impersonation.ts';
import { tokenFile } from './projected-token.ts';

/** A cluster to talk to: its URL, TLS trust and client identity, and how to add credentials to a request. */
export interface KubeConnection {
  readonly server: string;
  /** The context's namespace, for namespaced objects that name none. */
  readonly namespace: string;
  /** In a pod: the namespace it runs in (the service account's namespace file), the agent's default --namespace. */
  readonly podNamespace?: string;
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer; readonly rejectUnauthorized: boolean; readonly servername?: string };
  /** Where it came from, for error messages. */
  readonly source: string;
  /** Adds credentials (headers, or an exec plugin's client certificate) to a request. */
  authenticate(request: RequestOptions & { headers: Record<string, string | string[]> }): Promise<void>;
  /** The server answered 401: drop cached credentials (an exec plugin's), so the next request gets fresh ones. */
  readonly refresh?: () => void;
  /** Whom every request acts as (Impersonate-* headers, added after the credentials); undefined: the credentials' own identity. */
  readonly impersonate?: Impersonation;
}

export interface Surroundings {
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** Where a pod's service account is mounted. @default GITOPS_SERVICE_ACCOUNT_DIR, else /var/run/secrets/kubernetes.io/serviceaccount */
  readonly serviceAccountDir?: string;
}

/** The usual rules: the file given, else KUBECONFIG (first file), else ~/.kube/config, else the pod's service account. */
export function loadConnection(file?: string, where: Surroundings = {}): KubeConnection {
  const env = where.env ?? process.env;
  // The variable stands in for the pod's mount where there is no pod (tests, a local trial with a TokenRequest token).
  const serviceAccount = where.serviceAccountDir ?? (env.GITOPS_SERVICE_ACCOUNT_DIR || '/var/run/secrets/kubernetes.io/serviceaccount');
  if (file) return fromKubeconfig(file);
  const fromEnv = env.KUBECONFIG?.split(delimiter).find((f) => f.length > 0);
  if (fromEnv) return fromKubeconfig(fromEnv);
  const home = join(where.home ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return fromKubeconfig(home);
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(serviceAccount, 'token'))) return inCluster(env, serviceAccount);
  throw new UserInputError('no kubeconfig found', {
    object: 'kubeconfig',
    hint: 'pass --kubeconfig <file>, set KUBECONFIG, create ~/.kube/config, or run the agent in a pod with a service account',
  });
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST!.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() || 'default' : 'default';
  const token = tokenFile(join(dir, 'token'));
  token.value(); // a missing or empty token fails now, naming the file, not at the first request
  return {
    server: `https://${host}:${env.KUBERNETES_SERVICE_PORT || '443'}`,
    namespace,
    podNamespace: namespace,
    tls: { ca: caFile(join(dir, 'ca.crt')), rejectUnauthorized: true },
    source: `the pod service account (${dir})`,
    authenticate: async (request) => { request.headers.Authorization = `Bearer ${token.value()}`; },
    refresh: () => token.invalidate(), // a 401: the token was revoked or rotated under us
  };
}

function caFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserInputError(`cannot read the cluster CA of the service account: ${(error as Error).message}`, { file: path, hint: 'mount the ServiceAccount token volume (it holds ca.crt), or pass --kubeconfig' });
  }
}

function fromKubeconfig(file: string): KubeConnection {
  const fail = (message: string, hint: string) => new UserInputError(message, { file, hint });
  let doc: Record<string, unknown>;
  let clusters: Cluster[], users: User[], contexts: Context[];
  try {
    doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    clusters = newClusters(doc.clusters);
    users = newUsers(doc.users);
    contexts = newContexts(doc.contexts);
  } catch (error) {
    throw fail(`cannot read the kubeconfig: ${(error as Error).message}`, 'check the file with `kubectl config view`');
  }
  const contextName = doc['current-context'] as string | undefined;
  const context = contexts.find((c) => c.name === contextName);
  if (!context) throw fail(`the current context ${JSON.stringify(contextName ?? '')} is not defined`, 'pick one with `kubectl config use-context <name>`');
  const cluster = clusters.find((c) => c.name === context.cluster);
  if (!cluster) throw fail(`context ${context.name} names cluster ${context.cluster}, which is not defined`, 'add the cluster to the kubeconfig');
  const user = users.find((u) => u.name === context.user) ?? ({ name: '' } as User);
  if (cluster.proxyUrl) throw fail(`cluster ${cluster.name} uses proxy-url, which the agent does not support`, 'reach the API server directly');

  const base = dirname(resolve(file));
  const server = cluster.server.replace(/\/+$/, '');
  const bytes = (data: string | undefined, path: string | undefined) =>
    data ? Buffer.from(data, 'base64') : path ? readFileSync(isAbsolute(path) ? path : join(base, path)) : undefined;
  const tls = {
    ca: bytes(cluster.caData, cluster.caFile),
    cert: bytes(user.certData, user.certFile),
    key: bytes(user.keyData, user.keyFile),
    rejectUnauthorized: !cluster.skipTLSVerify,
    servername: cluster.tlsServerName,
  };
  return {
    server,
    namespace: context.namespace ?? 'default',
    tls,
    source: file,
    ...(user.exec ? execAuthenticator(user, file, server.startsWith('https:') ? tls : undefined) : { authenticate: authenticatorFor(user, fail) }),
    impersonate: impersonationOf(rawUser(doc, user.name), (message) => fail(`user ${user.name}: ${message}`, 'fix the user entry (see `kubectl config set-credentials --help`)')),
  };
}

function authenticatorFor(user: User, fail: (message: string, hint: string) => Error): KubeConnection['authenticate'] {
  if (user.token) return async (request) => { request.headers.Authorization = `Bearer ${user.token!.trim()}`; };
  if (user.username && user.password) {
    const basic = Buffer.from(`${user.username}:${user.password}`).toString('base64');
    return async (request) => { request.headers.Authorization = `Basic ${basic}`; };
  }
  if (user.authProvider) {
    throw fail(`user ${user.name} uses auth-provider ${user.authProvider.name ?? ''}, which the agent does not support`,
      'use an exec credential plugin (e.g. kubelogin, gke-gcloud-auth-plugin) or a token');
  }
  return async () => {}; // client certificate only (or anonymous)
}

/** An exec plugin's credential on each request; `tls` (https only) for the connection pool of a client certificate it returns. */
function execAuthenticator(user: User, file: string, tls: KubeConnection['tls'] | undefined): Pick<KubeConnection, 'authenticate' | 'refresh'> {
  const credentials = execCredentials(user.exec, { user: user.name, kubeconfig: file });
  let pool: { credential: ExecCredential; agent: Agent } | undefined;
  return {
    async authenticate(request) {
      const credential = await credentials.get();
      if (credential.token) request.headers.Authorization = `Bearer ${credential.token}`;
      if (!credential.clientCertificateData || !tls) return;
      // An https.Agent's own TLS options win over a request's: the certificate gets a pool of its own, kept while it lasts.
      if (pool?.credential !== credential) {
        pool?.agent.destroy();
        pool = { credential, agent: new Agent({ keepAlive: true, ...tls, cert: credential.clientCertificateData, key: credential.clientKeyData }) };
      }
      request.agent = pool.agent;
    },
    refresh: () => credentials.invalidate(),
  };
}

/** A user entry as written: client-node's User reads `as` but not `as-groups`, `as-uid` or `as-user-extra`. */
function rawUser(doc: Record<string, unknown>, name: string): Record<string, unknown> {
  const entries = Array.isArray(doc.users) ? doc.users as { name?: unknown; user?: unknown }[] : [];
  const user = entries.find((u) => u?.name === name)?.user;
  return user && typeof user === 'object' ? user as Record<string, unknown> : {};
}
