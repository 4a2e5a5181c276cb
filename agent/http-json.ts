// A JSON answer of the agent's HTTP server, with its length (the server and the web page's routes share it).
import type { ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
