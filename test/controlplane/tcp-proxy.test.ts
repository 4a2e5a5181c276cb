// The fault proxy against a real echo server on 127.0.0.1: bytes pass through, latency is added
// per round trip, a blackhole swallows without closing, and a reset reaches the client.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

let echo: Server;
let proxy: TcpProxy;
beforeAll(async () => {
  echo = createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {}));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  proxy = await startTcpProxy({ port: (echo.address() as { port: number }).port });
});
afterAll(async () => {
  await proxy.close();
  await new Promise((r) => echo.close(r));
});

function client(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(proxy.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends a line and resolves with the echo and the round trip, or 'silent' after `waitMs`. */
function roundTrip(s: Socket, text: string, waitMs = 2_000): Promise<{ echoed: string; ms: number } | 'silent'> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { s.off('data', onData); resolve('silent'); }, waitMs);
    const onData = (d: Buffer) => { clearTimeout(timer); s.off('data', onData); resolve({ echoed: d.toString(), ms: Date.now() - started }); };
    s.on('data', onData);
    s.write(text);
  });
}

describe('tcp proxy', () => {
  it('forwards bytes, then adds the latency to each round trip', async () => {
    const s = await client();
    expect(await roundTrip(s, 'hello')).toMatchObject({ echoed: 'hello' });
    proxy.set({ latencyMs: 300 });
    const slow = await roundTrip(s, 'slow');
    expect(slow).toMatchObject({ echoed: 'slow' });
    expect((slow as { ms: number }).ms).toBeGreaterThanOrEqual(290);
    proxy.set({ latencyMs: 0 });
    expect(proxy.stats()).toMatchObject({ connections: 1, open: 1, bytesIn: 9, bytesOut: 9 });
    s.destroy();
  });

  it('swallows everything in a blackhole without closing, and lets new bytes through after', async () => {
    const s = await client();
    proxy.set({ blackhole: true });
    expect(await roundTrip(s, 'lost', 300)).toBe('silent');
    expect(s.destroyed).toBe(false);
    proxy.set({ blackhole: false });
    expect(await roundTrip(s, 'back')).toMatchObject({ echoed: 'back' });
    s.destroy();
  });

  it('limits the bandwidth', async () => {
    const s = await client();
    proxy.set({ bytesPerSecond: 10_000 });
    const started = Date.now();
    let received = 0;
    await new Promise<void>((resolve) => {
      s.on('data', (d) => { received += d.length; if (received >= 4_000) resolve(); });
      s.write(Buffer.alloc(4_000));
    });
    // 4 kB each way at 10 kB/s: at least 0.4 s for the echo to come back whole.
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    proxy.set({ bytesPerSecond: 0 });
    s.destroy();
  });

  it('resets open connections', async () => {
    const s = await client();
    const closed = new Promise<string>((resolve) => s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
    await roundTrip(s, 'x');
    proxy.resetAll();
    expect(await closed).toBe('ECONNRESET');
  });
});
