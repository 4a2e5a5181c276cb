// The web page's routes on the agent's server (webhook.ts): the page, its state and one object's fields
// (those two only to who presents the secret: they name objects, fields and errors), /metrics and /readyz.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from '../http-json.ts';
import type { AgentViews } from '../telemetry.ts';
import type { ObjectRef, ReconcileResult } from '../types.ts';
import { presentsToken } from '../webhook-auth.ts';
import { PAGE_HEADERS, PAGE_HTML } from './page.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The GET routes by path; `secret` undefined: the state is open to all, as /status is. */
export function viewRoutes(views: AgentViews, secret: string | undefined, lastResult: () => ReconcileResult | undefined): ReadonlyMap<string, Route> {
  const withToken = async (req: IncomingMessage, res: ServerResponse, answer: () => Promise<unknown>) => {
    if (secret !== undefined && !presentsToken(req.headers, secret)) return send(res, 401, { error: 'present the webhook secret (Authorization: Bearer or X-Gitops-Secret) to see the state' });
    await answer();
  };
  return new Map<string, Route>([
    ['/', (_req, res) => res.writeHead(200, PAGE_HEADERS).end(PAGE_HTML)],
    ['/api/state', (req, res) => withToken(req, res, async () => json(req, res, await views.page(lastResult())))],
    ['/api/object', (req, res) => withToken(req, res, async () => json(req, res, await views.compare(refFromQuery(req))))],
    ['/metrics', async (_req, res) => {
      const text = await views.metrics();
      res.writeHead(200, { 'Content-Type': views.metricsContentType, 'Content-Length': Buffer.byteLength(text) }).end(text);
    }],
    ['/readyz', (_req, res) => {
      const ready = views.readiness(lastResult());
      send(res, ready.ready ? 200 : 503, ready);
    }],
  ]);
}

/** JSON with an ETag: 304 while it stays the same (the page polls). */
function json(req: IncomingMessage, res: ServerResponse, body: unknown) {
  const text = `${JSON.stringify(body)}\n`;
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, { ETag: etag }).end();
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ETag: etag, 'Cache-Control': 'no-store' }).end(text);
}

/** The object named by ?group=&kind=&namespace=&name= (namespace empty: cluster-scoped). */
function refFromQuery(req: IncomingMessage): ObjectRef {
  const query = new URL(req.url ?? '/', 'http://agent').searchParams;
  return { group: query.get('group') ?? '', kind: query.get('kind') ?? '', namespace: query.get('namespace') ?? '', name: query.get('name') ?? '' };
}
