// Outgoing notifications: JSON bodies POSTed to one URL, signed with HMAC-SHA256 (X-Gitops-Signature-256:
// sha256=<hex> of the raw body), delivered one at a time from a bounded queue (the oldest dropped and
// counted when it is full), retried with backoff. Sending never waits: the reconcile goes on.
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserInputError } from '../core/errors.ts';
import { redactSecrets } from './redact.ts';
import type { ReconcileLogger } from './reporter.ts';

export interface NotifierOptions {
  /** http(s) URL; it may carry a token, so only its origin is ever logged. */
  readonly url: string;
  /** Key of the signature; without one the body goes unsigned. @default none */
  readonly secret?: string;
  readonly log: ReconcileLogger;
  /** Bodies waiting at most; a new one beyond drops the oldest. @default 100 */
  readonly queueLimit?: number;
  /** Tries per body. @default 5 */
  readonly attempts?: number;
  /** Wait before the first retry, doubled for each next one, in ms. @default 1_000 */
  readonly backoffMs?: number;
  /** Longest wait between tries, in ms. @default 30_000 */
  readonly maxBackoffMs?: number;
  /** Longest one request may take, in ms. @default 10_000 */
  readonly timeoutMs?: number;
}

export interface Notifier {
  /** Queues `body` (with `dropped`, `id` and `sentAt` added when it goes) and returns at once. */
  send(body: Record<string, unknown>): void;
  /** Delivers what is queued for up to `timeoutMs`, then gives up the rest and sends nothing more (before exiting). */
  close(timeoutMs: number): Promise<void>;
  /** The URL's origin, safe to log. */
  readonly target: string;
}

export const SIGNATURE_HEADER = 'X-Gitops-Signature-256';

/** `sha256=<hex>` of HMAC-SHA256 of `body` with `secret`, as the header carries it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const target = originOf(options.url);
  const limit = options.queueLimit ?? 100;
  const queue: Record<string, unknown>[] = [];
  let dropped = 0; // since the last body that went out
  let pumping: Promise<void> | undefined;
  const closed = new AbortController();
  const kick = () => { pumping ??= pump().finally(() => { pumping = undefined; if (queue.length > 0 && !closed.signal.aborted) kick(); }); };

  const send = (body: Record<string, unknown>) => {
    queue.push(body);
    if (queue.length > limit) {
      queue.shift();
      dropped++;
      options.log.warn({ target, dropped }, 'notification queue full: dropped the oldest');
    }
    kick();
  };

  async function pump() {
    for (let body = queue.shift(); body; body = queue.shift()) {
      const text = JSON.stringify({ ...body, id: randomUUID(), sentAt: new Date().toISOString(), dropped });
      dropped = 0;
      await deliver(text, options, target, closed.signal);
    }
  }

  return {
    send,
    target,
    async close(timeoutMs) {
      const timeout = sleep(timeoutMs, undefined, { ref: false });
      while (pumping) await Promise.race([pumping, timeout.then(() => closed.abort())]);
      closed.abort();
      if (queue.length > 0) options.log.warn({ target, left: queue.length }, 'stopping with notifications not delivered');
    },
  };
}

/** POSTs `text` until the receiver takes it (2xx), refuses it (other 4xx than 408 and 429), or the tries run out. */
async function deliver(text: string, options: NotifierOptions, target: string, closed: AbortSignal): Promise<void> {
  const attempts = options.attempts ?? 5;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'typed-gitops-agent' };
  if (options.secret) headers[SIGNATURE_HEADER] = signature(options.secret, text);
  for (let attempt = 1; !closed.aborted; attempt++) {
    let problem: string;
    try {
      const response = await fetch(options.url, { method: 'POST', headers, body: text, redirect: 'manual', signal: AbortSignal.any([closed, AbortSignal.timeout(options.timeoutMs ?? 10_000)]) });
      await response.body?.cancel(); // the answer is not read: a receiver cannot make us hold it
      if (response.ok) return;
      problem = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 408 && response.status !== 429) {
        options.log.warn({ target, status: response.status }, 'the notification receiver refused the notification; not retried');
        return;
      }
    } catch (error) {
      problem = redactSecrets(String((error as Error).cause ?? error)).replaceAll(options.url, target);
    }
    if (attempt >= attempts) {
      options.log.warn({ target, attempts, problem }, 'could not deliver a notification; gave up');
      return;
    }
    await sleep(Math.min(options.maxBackoffMs ?? 30_000, (options.backoffMs ?? 1_000) * 2 ** (attempt - 1)), undefined, { signal: closed }).catch(() => {});
  }
}

/** scheme://host[:port] of `url`, which must be http(s); `what` names where the URL came from. */
export function notifyUrl(url: string, what: string): string {
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw new UserInputError(`${what}: not a URL`, { hint: 'Set it to the http(s) URL of the receiver.' }); }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UserInputError(`${what}: only http and https URLs are called (got ${parsed.protocol})`, { hint: 'Set it to the http(s) URL of the receiver.' });
  return url;
}

function originOf(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}
