// Picks free TCP ports on 127.0.0.1 at start, so two control planes can coexist.
import { createServer, type Server } from 'node:net';

/** Holds all listeners open until every port is known, so the ports are distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listenOnAnyPort));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** One free port, e.g. for a git daemon, a webhook listener or an address where nothing listens. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
