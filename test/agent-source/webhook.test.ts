// The agent's HTTP server over real sockets: triggers, the shared secret, health and status.
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../compiler/errors.ts';
import type { ReconcileResult } from '../../agent/types.ts';
import { parseListen, startWebhook, type WebhookServer } from '../../agent/webhook.ts';
import { memoryLogger } from './fixtures.ts';

const RESULT: ReconcileResult = { env: 'dev', revision: 'abc', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, changes: [], errors: [], ok: true };

let server: WebhookServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function start(secret?: string) {
  const state = { triggers: 0, result: undefined as ReconcileResult | undefined };
  const logger = memoryLogger();
  server = await startWebhook({ listen: '127.0.0.1:0', secret, onTrigger: () => state.triggers++, lastResult: () => state.result, log: logger.log });
  return { state, url: server.url, lines: logger.lines };
}

describe('webhook', () => {
  it('triggers on POST /hooks/git, answers /healthz, and shows the last result on /status', async () => {
    const { state, url } = await start();
    const hook = await fetch(`${url}/hooks/git`, { method: 'POST', body: JSON.stringify({ ref: 'refs/heads/rendered' }) });
    expect(hook.status).toBe(202);
    expect(state.triggers).toBe(1);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(503);
    state.result = RESULT;
    const status = await fetch(`${url}/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual(RESULT);

    expect((await fetch(`${url}/hooks/git`)).status).toBe(405);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect(state.triggers).toBe(1);
  });

  it('with a secret: 401 without it or with a wrong one, 202 with it in either header', async () => {
    const { state, url, lines } = await start('s3cret');
    const post = (headers: Record<string, string>) => fetch(`${url}/hooks/git`, { method: 'POST', headers }).then((r) => r.status);
    expect(await post({})).toBe(401);
    expect(await post({ 'X-Gitops-Secret': 'wrong' })).toBe(401);
    expect(await post({ 'X-Gitops-Secret': 's3cre' })).toBe(401); // a prefix is not enough
    expect(await post({ Authorization: 'Bearer nope' })).toBe(401);
    expect(state.triggers).toBe(0);
    expect(await post({ 'X-Gitops-Secret': 's3cret' })).toBe(202);
    expect(await post({ Authorization: 'Bearer s3cret' })).toBe(202);
    expect(state.triggers).toBe(2);
    // Health and status need no secret; the refusals are logged without the secret.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(JSON.stringify(lines())).not.toContain('s3cret');
    expect(lines().filter((l) => l.msg === 'webhook trigger refused: missing or wrong secret')).toHaveLength(4);
  });

  it('parses listen addresses and refuses a bad or busy one', async () => {
    expect(parseListen('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListen(':9090')).toEqual({ host: undefined, port: 9090 });
    expect(() => parseListen('9090')).toThrow(UserInputError);
    expect(() => parseListen('host:99999')).toThrow(UserInputError);

    const { url } = await start();
    const busy = url.replace('http://', '');
    await expect(startWebhook({ listen: busy, onTrigger: () => {}, lastResult: () => undefined, log: memoryLogger().log })).rejects.toThrow(/cannot listen on .*EADDRINUSE/);
  });
});
