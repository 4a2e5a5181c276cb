// gitops.lock: the committed pins of every Helm chart the apps use, keyed by chart (compiler/helm/chart-source.ts
// lockKey), each with the sha256 of its archive (or of a project folder's files). Deterministic JSON: sorted keys,
// two-space indent, a final newline, so `gitops lock` run twice writes the same bytes.
import { isRecord } from '../core/is-record.ts';

export const LOCK_FILE = 'gitops.lock';

export interface LockEntry {
  /** `sha256:<hex>` of the chart archive, or of a folder chart's files (path and content of each). */
  readonly digest: string;
}

export interface ChartLock {
  readonly charts: Readonly<Record<string, LockEntry>>;
}

export const EMPTY_LOCK: ChartLock = { charts: {} };
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The lock in `text`; throws an Error saying what is wrong (the caller names the file). */
export function parseLock(text: string): ChartLock {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.charts)) throw new Error('expected {"version": 1, "charts": {...}}');
  const charts: Record<string, LockEntry> = {};
  for (const [key, entry] of Object.entries(value.charts)) {
    if (!isRecord(entry) || typeof entry.digest !== 'string' || !DIGEST.test(entry.digest)) throw new Error(`chart '${key}': digest must be "sha256:<64 hex digits>"`);
    charts[key] = { digest: entry.digest };
  }
  return { charts };
}

export function serializeLock(lock: ChartLock): string {
  const charts = Object.fromEntries(Object.keys(lock.charts).sort().map((key) => [key, { digest: lock.charts[key].digest }]));
  return `${JSON.stringify({ version: 1, charts }, null, 2)}\n`;
}
