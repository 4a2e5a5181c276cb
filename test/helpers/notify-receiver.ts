// Test helper: an HTTP receiver of notifications on 127.0.0.1 that checks each one's signature the way
// README tells a user to, and answers with the status codes a test queues (200 when none is queued).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** The X-Gitops-Signature-256 header matched HMAC-SHA256 of the raw body with the receiver's key. */
  readonly signed: boolean;
  readonly at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Status codes for the next requests, in order. */
  answers: number[];
  /** ms to wait before answering. */
  delayMs: number;
  close(): Promise<void>;
}

export function verifySignature(secret: string, raw: Buffer, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(typeof header === 'string' ? header : '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(secret: string, path = '/'): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: '', received, answers: [], delayMs: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = receiver.answers.shift() ?? 200;
      setTimeout(() => {
        if (status < 300) received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw.toString()) as Record<string, unknown>, signed: verifySignature(secret, raw, req.headers['x-gitops-signature-256']), at: Date.now() });
        res.writeHead(status).end();
      }, receiver.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}
