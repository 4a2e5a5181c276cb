// The agent's small HTTP server: `POST /hooks/git` asks for a check of the branch head (behind the
// shared secret when one is set, coalesced and rate-limited), `GET /healthz` says the process is
// alive, `GET /readyz` that it is ready, `GET /status` shows the last result (in full only to who
// presents the secret), `GET /metrics` the Prometheus metrics, and `GET /` the web page, whose
// state (`GET /api/state`) is shown only to who presents the secret.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UserInputError } from '../core/errors.ts';
import type { Logger } from './log.ts';
import { refusalCount } from './refusal-count.ts';
import type { AgentViews } from './telemetry.ts';
import { triggerGate, type TriggerAnswer } from './trigger-gate.ts';
import type { ReconcileResult } from './types.ts';
import { send } from './http-json.ts';
import { authenticate, presentsToken } from './webhook-auth.ts';
import { viewRoutes } from './web/routes.ts';

export interface WebhookOptions {
  /** 'host:port'; port 0 picks a free one. */
  readonly listen: string;
  /** When set, a trigger must prove it knows it (webhook-auth.ts), and /status shows details only to who presents it. @default none */
  readonly secret?: string;
  /** Asks the agent for a check of the branch head. */
  readonly onTrigger: () => TriggerAnswer;
  readonly lastResult: () => ReconcileResult | undefined;
  readonly log: Logger;
  /** Triggers closer together than this are coalesced into one at its end, in ms. @default 1000 */
  readonly triggerIntervalMs?: number;
  /** Longest time a client may take to send one request, headers and body, in ms. @default 10_000 */
  readonly requestTimeoutMs?: number;
  /** /metrics, /readyz and the web page; without them those paths answer 404. @default none */
  readonly views?: AgentViews;
}

export interface WebhookServer {
  /** The address it listens on, e.g. 'http://127.0.0.1:9090'. */
  readonly url: string;
  close(): Promise<void>;
}

/** Hosting services send JSON payloads of a few KiB; we never parse them but must not buffer without end. */
export const MAX_BODY = 1 << 20;

export async function startWebhook(options: WebhookOptions): Promise<WebhookServer> {
  const { secret, log } = options;
  const gate = triggerGate(options.onTrigger, options.triggerIntervalMs ?? 1000);
  const refusals = refusalCount(log);
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const routes = options.views && viewRoutes(options.views, secret, options.lastResult);
  // A slow client (one byte a minute) is cut off after requestTimeout; Node checks every connectionsCheckingInterval.
  const server = createServer({ requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path === '/healthz') return req.method === 'GET' || req.method === 'HEAD' ? send(res, 200, { ok: true }) : notAllowed(res, 'GET');
    if (path === '/status') return req.method === 'GET' ? status(req, res) : notAllowed(res, 'GET');
    if (path === '/hooks/git') return req.method === 'POST' ? hook(req, res) : notAllowed(res, 'POST');
    const view = routes?.get(path);
    if (view) return req.method === 'GET' ? view(req, res) : notAllowed(res, 'GET');
    send(res, 404, { error: `not found; try POST /hooks/git, GET /healthz or GET /status${options.views ? ', GET /readyz, /metrics or / (the web page)' : ''}` });
  }

  async function hook(req: IncomingMessage, res: ServerResponse) {
    const { socket } = req; // detached from req once the body is cut short
    const body = await readBody(req);
    if (!body) return tooLarge(res, socket);
    const verdict = secret === undefined ? 'ok' : authenticate(req.headers, body, secret);
    if (verdict !== 'ok') {
      refusals.add(verdict, socket.remoteAddress);
      return send(res, 401, { error: `${verdict} secret: sign the body (X-Hub-Signature-256 or X-Gitops-Signature-256: sha256=<hex>) or send the secret (X-Gitlab-Token, X-Gitops-Secret or Authorization: Bearer)` });
    }
    // GitHub's ping proves the hook is set up; no push, nothing to look at.
    if (req.headers['x-github-event'] === 'ping') return send(res, 200, { pong: true });
    send(res, 202, { check: gate.request() });
  }

  function status(req: IncomingMessage, res: ServerResponse) {
    const result = options.lastResult();
    if (!result) return send(res, 503, { error: 'no reconcile has finished yet' });
    const full = secret === undefined || presentsToken(req.headers, secret);
    send(res, 200, { ...(full ? result : publicView(result)), webhook: { refusedCalls: refusals.total } });
  }

  const url = await listenOn(server, options.listen);
  log.info({ url }, 'webhook listening');
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      gate.close();
      refusals.close();
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive clients must not hold the agent open on shutdown
    }),
  };
}

/**
 * What /status shows a caller without the secret: whether the environment is fine and at which
 * revision. Errors, notices and changes may name the remote, the API server or a credential plugin's output.
 */
function publicView(result: ReconcileResult) {
  const { env, ok, revision, sourceCommit, startedAt, standby, health } = result;
  return { env, ok, revision, sourceCommit, startedAt, standby, health: health?.status, details: 'present the webhook secret (X-Gitops-Secret or Authorization: Bearer) for errors, notices and objects' };
}

/** Listens on `listen` ('host:port'); the URL it answers on. */
async function listenOn(server: Server, listen: string): Promise<string> {
  const { host, port } = parseListen(listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new UserInputError(`cannot listen on ${listen}: ${error.code ?? error.message}`, { hint: 'Pick a free address with --listen host:port.' }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** 'host:port', '[::1]:port' or ':port' (all interfaces). */
export function parseListen(listen: string): { host?: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new UserInputError(`--listen '${listen}' is not host:port`, { hint: "Write e.g. '127.0.0.1:9090', '[::1]:9090' or ':9090' (all interfaces)." });
  }
  return { host: match[1] ?? (match[2] || undefined), port };
}

/** The body, or undefined when it is larger than MAX_BODY (announced or sent); then the rest is never read. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** 413, then the connection is closed: reading the rest only to throw it away would be the cost an attacker wants. */
function tooLarge(res: ServerResponse, socket: Socket) {
  res.once('finish', () => socket.destroy());
  res.setHeader('Connection', 'close');
  send(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
}

function notAllowed(res: ServerResponse, allow: string) {
  res.setHeader('Allow', allow);
  send(res, 405, { error: `use ${allow}` });
}
