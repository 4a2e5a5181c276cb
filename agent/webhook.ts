// The agent's small HTTP server: `POST /hooks/git` asks for a reconcile at once (optionally behind a
// shared secret), `GET /healthz` says the process is alive, `GET /status` shows the last result.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserInputError } from '../compiler/errors.ts';
import type { Logger } from './log.ts';
import type { ReconcileResult } from './types.ts';

export interface WebhookOptions {
  /** 'host:port'; port 0 picks a free one. */
  readonly listen: string;
  /** When set, a trigger must carry it in `X-Gitops-Secret` or `Authorization: Bearer`. @default none */
  readonly secret?: string;
  readonly onTrigger: () => void;
  readonly lastResult: () => ReconcileResult | undefined;
  readonly log: Logger;
}

export interface WebhookServer {
  /** The address it listens on, e.g. 'http://127.0.0.1:9090'. */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20; // hosting services send JSON payloads; we ignore them but must not buffer without end

export async function startWebhook(options: WebhookOptions): Promise<WebhookServer> {
  const { host, port } = parseListen(options.listen);
  const expected = options.secret ? digest(options.secret) : undefined;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      options.log.error({ err: error }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path === '/healthz') return req.method === 'GET' || req.method === 'HEAD' ? send(res, 200, { ok: true }) : notAllowed(res, 'GET');
    if (path === '/status') {
      if (req.method !== 'GET') return notAllowed(res, 'GET');
      const result = options.lastResult();
      return result ? send(res, 200, result) : send(res, 503, { error: 'no reconcile has finished yet' });
    }
    if (path === '/hooks/git') {
      if (req.method !== 'POST') return notAllowed(res, 'POST');
      if (expected && !matches(expected, presentedSecret(req))) {
        options.log.warn({ remoteAddress: req.socket.remoteAddress }, 'webhook trigger refused: missing or wrong secret');
        return send(res, 401, { error: 'missing or wrong secret' });
      }
      if (!(await drain(req))) return send(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
      options.onTrigger();
      return send(res, 202, { triggered: true });
    }
    send(res, 404, { error: 'not found; try POST /hooks/git, GET /healthz or GET /status' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new UserInputError(`cannot listen on ${options.listen}: ${error.code ?? error.message}`, { hint: 'Pick a free address with --listen host:port.' }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  options.log.info({ url }, 'webhook listening');
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive clients must not hold the agent open on shutdown
    }),
  };
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

function presentedSecret(req: IncomingMessage): string | undefined {
  const header = req.headers['x-gitops-secret'];
  if (typeof header === 'string') return header;
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

// Digests have one length whatever was sent, so the comparison takes the same time for any guess.
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function matches(expected: Buffer, presented: string | undefined): boolean {
  return timingSafeEqual(expected, digest(presented ?? '')) && presented !== undefined;
}

/** Reads and drops the body; false when it is too large. */
async function drain(req: IncomingMessage): Promise<boolean> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return false;
  }
  return true;
}

function notAllowed(res: ServerResponse, allow: string) {
  res.setHeader('Allow', allow);
  send(res, 405, { error: `use ${allow}` });
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
