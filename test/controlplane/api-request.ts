// A minimal HTTPS client for the few calls start-up needs (readiness probes,
// creating the fake Node) before any kubeconfig consumer is involved; loading a
// full Kubernetes client here would only slow down the start.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export interface ApiCredentials {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

export function apiRequest(url: string, creds: ApiCredentials, method = 'GET', body?: unknown): Promise<ApiResponse> {
  const read = (file?: string) => (file ? readFileSync(file) : undefined);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: read(creds.ca),
        cert: read(creds.cert),
        key: read(creds.key),
        // Component health ports serve self-signed certificates we did not issue.
        rejectUnauthorized: creds.ca !== undefined,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** An HTTP GET on plain http (etcd's /health). */
export async function httpGet(url: string): Promise<ApiResponse> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}
