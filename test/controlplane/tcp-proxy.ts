// A loopback TCP proxy in front of a server (the API server, for fault tests): bytes pass through
// untouched (TLS stays end to end), and the test decides what the network does meanwhile: add
// latency, swallow everything (a partition: connections stay open, nothing arrives), or reset
// every open connection.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface NetworkFaults {
  /** Added to every round trip, half on the way in, half on the way out. @default 0 */
  readonly latencyMs?: number;
  /** Swallow all bytes both ways, on open and new connections, without closing them. @default false */
  readonly blackhole?: boolean;
  /** Bandwidth of each direction of each connection, in bytes per second (0: unlimited). @default 0 */
  readonly bytesPerSecond?: number;
}

export interface ProxyStats {
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes forwarded client -> server and back. */
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface TcpProxy {
  readonly port: number;
  /** https://127.0.0.1:<port>, for a kubeconfig pointing at the proxy. */
  readonly url: string;
  /** Changes the faults from now on (each setting keeps its value unless given). */
  set(faults: NetworkFaults): void;
  /** Resets (TCP RST) every open connection. */
  resetAll(): void;
  stats(): ProxyStats;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { readonly host?: string; readonly port: number }): Promise<TcpProxy> {
  let faults: Required<NetworkFaults> = { latencyMs: 0, blackhole: false, bytesPerSecond: 0 };
  const open = new Set<Socket>(); // both ends of every connection
  const clients = new Set<Socket>();
  let connections = 0, bytesIn = 0, bytesOut = 0;

  /** Forwards one direction, delaying each chunk by half the latency (and its time on a slow line) while keeping the order. */
  const pipe = (from: Socket, to: Socket, count: (n: number) => void) => {
    let lastDelivery = 0;
    from.on('data', (chunk: Buffer) => {
      if (faults.blackhole) return;
      const onTheLine = faults.bytesPerSecond > 0 ? (chunk.length / faults.bytesPerSecond) * 1000 : 0;
      const at = Math.max(Date.now() + faults.latencyMs / 2, lastDelivery) + onTheLine;
      lastDelivery = at;
      const deliver = () => {
        if (to.destroyed) return;
        count(chunk.length);
        to.write(chunk);
      };
      if (at <= Date.now()) deliver();
      else setTimeout(deliver, at - Date.now());
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDelivery - Date.now())));
  };

  const server: Server = createServer((client) => {
    connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { open.delete(s); (s === client ? upstream : client).destroy(); });
    }
    pipe(client, upstream, (n) => (bytesIn += n));
    pipe(upstream, client, (n) => (bytesOut += n));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    set: (next) => { faults = { ...faults, ...next }; },
    resetAll: () => { for (const s of open) s.resetAndDestroy(); },
    stats: () => ({ connections, open: clients.size, bytesIn, bytesOut }),
    close: () => {
      for (const s of open) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
