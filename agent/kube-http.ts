// Requests to the API server over one keep-alive connection pool: JSON in and out, a refusal
// (HTTP status + the server's Status reason and message) for anything but 2xx, and watch streams
// read one JSON event per line.
import * as http from 'node:http';
import * as https from 'node:https';
import { reportApiRequest } from './api-requests.ts';
import { impersonationHeaders } from './impersonation.ts';
import type { KubeConnection } from './kubeconfig.ts';

/** What the server said when it refused a request (status 0: it was not reached). */
export interface ServerRefusal {
  readonly status: number;
  readonly reason: string; // e.g. 'NotFound', 'Invalid', 'Conflict', 'Unreachable'
  readonly message: string;
}

export class RefusedError extends Error {
  constructor(readonly refusal: ServerRefusal) {
    super(refusal.message);
  }
}

/** A request refused before it was sent: one of its path segments would address something else. */
export class UnsafePathError extends Error {}

/**
 * Why a value cannot be one segment of a request path, or undefined when it can: client-go's
 * IsValidPathSegmentName (not '.' or '..', no '/' or '%'), plus empty and NUL. The server (and
 * `new URL`) would resolve such a path to another object: ConfigMap 'victim/..' is Namespace 'victim'.
 */
export function pathSegmentProblem(segment: string): string | undefined {
  if (segment === '') return 'may not be empty';
  if (segment === '.' || segment === '..') return `may not be '${segment}'`;
  if (/\p{Cs}/u.test(segment)) return 'is not well-formed Unicode (a lone surrogate)'; // encodeURIComponent would throw
  const found = ['/', '%', '\0'].filter((c) => segment.includes(c));
  return found.length > 0 ? `may not contain ${found.map((c) => (c === '\0' ? 'NUL' : `'${c}'`)).join(' or ')}` : undefined;
}

/** One segment of a request path: what it is (for the error) and its value. */
export type PathSegment = readonly [what: string, value: string];

/** '/a/b/c' from its segments, each checked by pathSegmentProblem and percent-encoded. */
export function apiPath(segments: readonly PathSegment[]): string {
  return segments.map(([what, value]) => {
    const problem = pathSegmentProblem(value);
    if (problem) throw new UnsafePathError(`the ${what} ${JSON.stringify(value)} ${problem}`);
    return `/${encodeURIComponent(value)}`;
  }).join('');
}

export interface RequestOptions {
  readonly query?: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Give up when the connection is silent this long (a peer gone without a word). @default REQUEST_IDLE_MS */
  readonly idleTimeoutMs?: number;
}

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown> & { metadata?: { resourceVersion?: string } };
}

/**
 * A request whose connection stays silent this long is given up (the reconcile fails and is retried):
 * a network partition sends no reset, and without this a reconcile would wait on it forever. The API
 * server answers or times out a request itself within its own --request-timeout (1 min) only when reached.
 */
export const REQUEST_IDLE_MS = 30_000;

export class KubeHttp {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(readonly connection: KubeConnection) {
    this.secure = connection.server.startsWith('https:');
    // One pool for the process: a TLS handshake per request made a first apply of 3,500 objects CPU-bound.
    this.agent = this.secure ? new https.Agent({ keepAlive: true, ...connection.tls }) : new http.Agent({ keepAlive: true });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let response = await this.send(method, path, options);
    if (response.statusCode === 401 && this.connection.refresh) { // an exec plugin's credential revoked before its expiry: once more with a fresh one
      response.resume();
      this.connection.refresh();
      response = await this.send(method, path, options);
    }
    const text = await readAll(response);
    if (response.statusCode! >= 300) throw new RefusedError(refusalFrom(response.statusCode!, text));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Streams a watch; resolves when the server ends it (its timeout), rejects on refusal or a broken connection. */
  async watch(path: string, query: Record<string, string | undefined>, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    // The server ends a watch after timeoutSeconds and sends bookmarks meanwhile; silence much longer means a dead peer.
    const idleTimeoutMs = (Number(query.timeoutSeconds ?? 300) + 60) * 1000;
    const response = await this.send('GET', path, { query: { ...query, watch: 'true' }, signal, idleTimeoutMs });
    if (response.statusCode === 401) this.connection.refresh?.(); // the caller's next watch gets a fresh credential
    if (response.statusCode! >= 300) throw new RefusedError(refusalFrom(response.statusCode!, await readAll(response)));
    await new Promise<void>((resolve, reject) => {
      let rest = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        try {
          for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as WatchEvent);
        } catch (error) {
          response.destroy();
          reject(error);
        }
      });
      response.on('end', resolve);
      response.on('error', reject);
      response.on('close', () => reject(new RefusedError({ status: 0, reason: 'Unreachable', message: 'watch connection closed' }))); // no-op after end
    });
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const url = requestUrl(this.connection.server, path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request: https.RequestOptions & { headers: Record<string, string | string[]> } = {
      method,
      agent: this.agent,
      signal: options.signal,
      // Content-Length always: Node sends a DELETE body unframed otherwise, and the next request on the socket breaks.
      headers: { Accept: 'application/json', ...(body !== undefined && { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }) },
    };
    await this.connection.authenticate(request);
    Object.assign(request.headers, impersonationHeaders(this.connection.impersonate));
    const verb = options.query?.watch === 'true' ? 'WATCH' : method;
    return new Promise((resolve, reject) => {
      const req = (this.secure ? https : http).request(url, request, (response) => { reportApiRequest(verb, String(response.statusCode)); resolve(response); });
      const idleMs = options.idleTimeoutMs ?? REQUEST_IDLE_MS;
      req.setTimeout(idleMs, () => req.destroy(new Error(`no answer for ${idleMs / 1000} s`)));
      req.on('error', (error) => {
        if (options.signal?.aborted) return reject(error); // our own cancel, not an answer
        reportApiRequest(verb, 'error');
        reject(new RefusedError({ status: 0, reason: 'Unreachable', message: `cannot reach ${this.connection.server}: ${error.message}` }));
      });
      req.end(body);
    });
  }
}

/** The server's URL with `path` appended as it is: refused when URL parsing would change it (resolve a dot segment). */
function requestUrl(server: string, path: string): URL {
  const url = new URL(server);
  const wanted = `${url.pathname.replace(/\/$/, '')}${path}`;
  url.pathname = wanted;
  if (url.pathname !== wanted) throw new UnsafePathError(`the request path ${JSON.stringify(path)} is not a plain path (it has '.' or '..' segments)`);
  return url;
}

async function readAll(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function refusalFrom(status: number, text: string): ServerRefusal {
  let body: { reason?: string; message?: string } = {};
  try {
    body = JSON.parse(text);
  } catch { /* not a Status object */ }
  return { status, reason: body.reason ?? http.STATUS_CODES[status] ?? '', message: body.message || text.trim() || `HTTP ${status}` };
}
