// What /metrics and the web page's /api/state cost per request at 3,500 objects: a reconcile
// result of that size is recorded as the agent records it, then each endpoint's body is made many
// times. Prints milliseconds per request and bytes. Run: node bin/run-ts.js bench/scrape.ts [objects]
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { createTelemetry } from '../agent/telemetry.ts';
import type { ReconcileResult } from '../agent/types.ts';

const objects = Number(process.argv[2] ?? 3500);
const REQUESTS = 200;

function resultOf(n: number): ReconcileResult {
  const refs = Array.from({ length: n }, (_, i) => ({ group: i % 2 ? 'apps' : '', kind: i % 2 ? 'Deployment' : 'ConfigMap', namespace: `team-${i % 20}`, name: `object-${i}` }));
  return {
    env: 'prod', revision: 'a'.repeat(40), sourceCommit: 'b'.repeat(40), startedAt: new Date().toISOString(), durationMs: 1200, errors: [], ok: true,
    changes: refs.map((ref, i) => ({ ref, action: i % 50 === 0 ? 'configured' : 'unchanged' })),
    health: { status: 'Healthy', message: 'all healthy', apps: Object.fromEntries(Array.from({ length: 35 }, (_, a) => [`app-${a}`, { status: 'Healthy', message: '' }])), objects: refs.map((ref, i) => ({ ref, app: `app-${i % 35}`, status: 'Healthy', message: `${ref.kind} ${ref.name} is healthy` })) },
  };
}

async function time(what: string, body: () => Promise<string> | string): Promise<void> {
  let bytes = 0;
  for (let i = 0; i < 20; i++) await body(); // warm up
  const start = performance.now();
  for (let i = 0; i < REQUESTS; i++) bytes = Buffer.byteLength(await body());
  console.log(`${what}: ${((performance.now() - start) / REQUESTS).toFixed(2)} ms per request, ${bytes} bytes`);
}

const result = resultOf(objects);
// As the agent makes it; the clone folder holds no commit, so the page has no subject to show.
const telemetry = createTelemetry({ env: 'prod', remote: 'https://github.com/acme/shop.git', cloneDir: tmpdir(), intervalMs: 10_000, kube: { read: async () => undefined } });
const start = performance.now();
telemetry.observer.reconciled(result, { commit: result.revision!, env: 'prod', files: new Map() });
console.log(`recording one reconcile of ${objects} objects: ${(performance.now() - start).toFixed(1)} ms`);
await time('/metrics', () => telemetry.views.metrics());
await time('/api/state (unchanged since the last poll)', async () => JSON.stringify(await telemetry.views.page(result)));
telemetry.close();
