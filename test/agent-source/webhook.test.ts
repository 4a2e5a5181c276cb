// The agent's HTTP server over real sockets: triggers, the shared secret as a token or an HMAC
// (GitHub, GitLab, ours), refusals counted, bounded bodies and requests, health and /status.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import type { TriggerAnswer } from '../../agent/trigger-gate.ts';
import type { ReconcileResult } from '../../agent/types.ts';
import { parseListen, startWebhook, type WebhookOptions, type WebhookServer } from '../../agent/webhook.ts';
import { memoryLogger } from './fixtures.ts';

const RESULT: ReconcileResult = { env: 'dev', revision: 'abc', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, changes: [], errors: [], ok: true };
const SECRET = 's3cret';
const PAYLOAD = JSON.stringify({ ref: 'refs/heads/rendered', after: 'f'.repeat(40) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: WebhookServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function start(secret?: string, options: Partial<WebhookOptions> = {}) {
  const state = { triggers: 0, result: undefined as ReconcileResult | undefined };
  const logger = memoryLogger();
  const onTrigger = (): TriggerAnswer => { state.triggers++; return 'started'; };
  server = await startWebhook({ listen: '127.0.0.1:0', secret, onTrigger, lastResult: () => state.result, log: logger.log, triggerIntervalMs: 0, ...options });
  const url = server.url;
  const post = (headers: Record<string, string>, body = PAYLOAD) => fetch(`${url}/hooks/git`, { method: 'POST', headers, body }).then((r) => r.status);
  const refused = async () => ((await (await fetch(`${url}/status`)).json()) as { webhook: { refusedCalls: number } }).webhook.refusedCalls;
  return { state, url, lines: logger.lines, post, refused };
}

/** As GitHub signs a delivery: HMAC-SHA256 of the raw body, keyed with the secret, in hex. */
const github = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook', () => {
  it('triggers on POST /hooks/git, answers /healthz, and shows the last result on /status', async () => {
    const { state, url } = await start();
    const hook = await fetch(`${url}/hooks/git`, { method: 'POST', body: PAYLOAD });
    expect(hook.status).toBe(202);
    expect(await hook.json()).toEqual({ check: 'started' });
    expect(state.triggers).toBe(1);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(503);
    state.result = RESULT;
    const status = await fetch(`${url}/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ ...RESULT, webhook: { refusedCalls: 0 } });

    expect((await fetch(`${url}/hooks/git`)).status).toBe(405);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect(state.triggers).toBe(1);
  });

  it('with a secret as a token: 401 without it or with a wrong one, 202 with it in X-Gitops-Secret, Bearer or X-Gitlab-Token', async () => {
    const { state, url, lines, post, refused } = await start(SECRET);
    state.result = RESULT;
    expect(await post({})).toBe(401);
    expect(await post({ 'X-Gitops-Secret': 'wrong' })).toBe(401);
    expect(await post({ 'X-Gitops-Secret': 's3cre' })).toBe(401); // a prefix is not enough
    expect(await post({ Authorization: 'Bearer nope' })).toBe(401);
    expect(await post({ 'X-Gitlab-Token': 'nope' })).toBe(401);
    expect(state.triggers).toBe(0);
    expect(await post({ 'X-Gitops-Secret': SECRET })).toBe(202);
    expect(await post({ Authorization: `Bearer ${SECRET}` })).toBe(202);
    expect(await post({ 'X-Gitlab-Token': SECRET, 'X-Gitlab-Event': 'Push Hook' })).toBe(202);
    expect(state.triggers).toBe(3);
    // Refusals are counted, logged once (then once a minute), never with the secret.
    expect(await refused()).toBe(5);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(JSON.stringify(lines())).not.toContain(SECRET);
    expect(lines().filter((l) => String(l.msg).startsWith('webhook call refused'))).toHaveLength(1);
  });

  it('takes a GitHub signature over the raw body; a wrong one, one over another body or none is 401 and counted; ping does not trigger', async () => {
    const { state, post, refused } = await start(SECRET);
    state.result = RESULT;
    const push = { 'X-GitHub-Event': 'push', 'Content-Type': 'application/json' };
    expect(await post({ ...push, 'X-Hub-Signature-256': github(SECRET, PAYLOAD) })).toBe(202);
    expect(state.triggers).toBe(1);

    expect(await post({ ...push, 'X-Hub-Signature-256': github('other secret', PAYLOAD) })).toBe(401);
    expect(await post({ ...push, 'X-Hub-Signature-256': github(SECRET, `${PAYLOAD} `) })).toBe(401);
    expect(await post({ ...push, 'X-Hub-Signature-256': github(SECRET, PAYLOAD).slice(0, -2) })).toBe(401);
    expect(await post({ ...push, 'X-Hub-Signature-256': github(SECRET, PAYLOAD).replace('sha256=', 'sha1=') })).toBe(401);
    expect(await post(push)).toBe(401);
    expect(state.triggers).toBe(1);
    expect(await refused()).toBe(5);

    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(await post({ 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': github(SECRET, ping) }, ping)).toBe(200);
    expect(await post({ 'X-GitHub-Event': 'ping' }, ping)).toBe(401);
    expect(state.triggers).toBe(1);
  });

  it('takes the generic HMAC header X-Gitops-Signature-256', async () => {
    const { state, post } = await start(SECRET);
    expect(await post({ 'X-Gitops-Signature-256': github(SECRET, PAYLOAD) })).toBe(202);
    expect(await post({ 'X-Gitops-Signature-256': github(SECRET, '{}') })).toBe(401);
    expect(state.triggers).toBe(1);
  });

  it('answers 413 to a body over 1 MiB without reading it all, and cuts off a client that sends too slowly', async () => {
    const { state, url } = await start(SECRET, { requestTimeoutMs: 500 });
    const { port } = new URL(url);
    // Announced: 8 MiB; sent: 64 KiB. The answer comes without the rest.
    const announced = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/git', headers: { 'Content-Length': 8 << 20 } }, (res) => resolve(res.statusCode));
      req.on('error', reject);
      req.write(Buffer.alloc(64 << 10));
    });
    expect(announced).toBe(413);
    // Chunked: stopped after a little over 1 MiB, long before the 64 MiB the client would send.
    let written = 0;
    const chunked = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/git' }, (res) => { done = true; resolve(res.statusCode); });
      let done = false;
      req.on('error', (e) => (done ? undefined : reject(e)));
      const more = () => {
        while (!done && written < 64 << 20) {
          written += 64 << 10;
          if (!req.write(Buffer.alloc(64 << 10))) return void req.once('drain', more);
        }
      };
      more();
    });
    expect(chunked).toBe(413);
    expect(written).toBeLessThan(16 << 20);
    expect(state.triggers).toBe(0);

    // Slow: headers, then 10 of 100 bytes, then nothing. Cut off after the request timeout.
    const startedAt = Date.now();
    const slow = await new Promise<number | string | undefined>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/hooks/git', headers: { 'Content-Length': 100 } }, (res) => resolve(res.statusCode));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
      req.write('x'.repeat(10));
    });
    expect([408, 'ECONNRESET']).toContain(slow);
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });

  it('coalesces a burst: 100 calls at once reach the agent once, and all are answered 202', async () => {
    // An interval no loaded machine outlasts; what happens at its end is agent/trigger-gate.test.ts's, on a fake clock.
    const { state, post } = await start(SECRET, { triggerIntervalMs: 10 * 60_000 });
    const statuses = await Promise.all(Array.from({ length: 100 }, () => post({ 'X-Hub-Signature-256': github(SECRET, PAYLOAD) })));
    expect(new Set(statuses)).toEqual(new Set([202]));
    expect(state.triggers).toBe(1); // the first at once, the rest queued into one
  });

  it('/status shows the remote, the API server and errors only to who presents the secret', async () => {
    const { state, url } = await start(SECRET);
    state.result = { ...RESULT, ok: false, errors: ["source: cannot reach 'https://git.internal.example/team/rendered.git'", 'https://10.96.0.1:6443: Unauthorized'], notices: ['plugin said refresh_token=abc'] };
    const open = await fetch(`${url}/status`);
    expect(open.status).toBe(200);
    const shown = await open.text();
    expect(JSON.parse(shown)).toMatchObject({ env: 'dev', ok: false, revision: 'abc' });
    expect(JSON.parse(shown)).not.toHaveProperty('errors');
    for (const hidden of ['git.internal.example', '10.96.0.1', 'refresh_token']) expect(shown).not.toContain(hidden);
    const full = await fetch(`${url}/status`, { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(await full.json()).toMatchObject({ errors: state.result.errors, notices: state.result.notices });
    const wrong = await fetch(`${url}/status`, { headers: { 'X-Gitops-Secret': 'guess' } });
    expect(await wrong.text()).not.toContain('10.96.0.1');
  });

  it('parses listen addresses and refuses a bad or busy one', async () => {
    expect(parseListen('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListen(':9090')).toEqual({ host: undefined, port: 9090 });
    expect(() => parseListen('9090')).toThrow(UserInputError);
    expect(() => parseListen('host:99999')).toThrow(UserInputError);

    const { url } = await start();
    const busy = url.replace('http://', '');
    await expect(startWebhook({ listen: busy, onTrigger: () => 'started', lastResult: () => undefined, log: memoryLogger().log })).rejects.toThrow(/cannot listen on .*EADDRINUSE/);
  });
});
