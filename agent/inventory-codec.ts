// How the inventory is written down (pure; agent/inventory.ts does the I/O). Entries are stored as
// columns — each apiVersion/kind, namespace and app once in a table, the sha256 hashes as base64 of
// the raw digest — gzipped, and cut into chunks small enough for one ConfigMap each, so an
// environment at the objects-per-revision limit (25,000) fits with room. The head object holds
// either the only chunk (small environments) or the list of shard objects with their digests.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Inventory, InventoryEntry } from './types.ts';

/** Entries as columns; `type`, `namespace` and `app` index into their tables. */
export interface Columns {
  readonly types: readonly (readonly [group: string, apiVersion: string, kind: string])[];
  readonly namespaces: readonly string[];
  readonly apps: readonly string[];
  readonly type: readonly number[];
  readonly namespace: readonly number[];
  readonly app: readonly number[];
  readonly name: readonly string[];
  readonly desiredHash: readonly string[];
  readonly appliedHash: readonly string[];
}

export interface ShardRef {
  readonly name: string;
  readonly count: number;
  /** sha256 of the shard's gzipped bytes: a reader takes only the exact shard the head was written for. */
  readonly sha256: string;
}

/** What the head object holds (gzipped JSON). Format 1 is the single-object inventory of earlier agents. */
export type Head =
  | { readonly v: 2; readonly env: string; readonly revision?: string; readonly count: number; readonly columns: Columns }
  | { readonly v: 2; readonly env: string; readonly revision?: string; readonly count: number; readonly generation: string; readonly shards: readonly ShardRef[] }
  | (Inventory & { readonly v?: undefined });

/** Compressed bytes of one shard: half the 1 MiB ConfigMap limit, about 700 KB of base64 in the request. */
export const SHARD_BYTES = 512 * 1024;
/** Up to this size the entries stay in the head itself (about 900 objects): one object, one write. */
export const INLINE_BYTES = 64 * 1024;

export function gzipJson(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value));
}

export function gunzipJson<T>(bytes: Buffer): T {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as T;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export function toColumns(entries: readonly InventoryEntry[]): Columns {
  const types = new Table<string>(), namespaces = new Table<string>(), apps = new Table<string>();
  const typeRows: [string, string, string][] = [];
  const columns = { type: [] as number[], namespace: [] as number[], app: [] as number[], name: [] as string[], desiredHash: [] as string[], appliedHash: [] as string[] };
  for (const e of entries) {
    const typeKey = `${e.ref.group}\n${e.apiVersion}\n${e.ref.kind}`;
    const t = types.indexOf(typeKey);
    if (t === typeRows.length) typeRows.push([e.ref.group, e.apiVersion, e.ref.kind]);
    columns.type.push(t);
    columns.namespace.push(namespaces.indexOf(e.ref.namespace));
    columns.app.push(apps.indexOf(e.app));
    columns.name.push(e.ref.name);
    columns.desiredHash.push(packHash(e.desiredHash));
    columns.appliedHash.push(packHash(e.appliedHash));
  }
  return { types: typeRows, namespaces: namespaces.values, apps: apps.values, ...columns };
}

/** The entries back; throws on columns that do not line up (a damaged or foreign object). */
export function fromColumns(c: Columns): InventoryEntry[] {
  const n = c.name?.length;
  if (n === undefined || [c.type, c.namespace, c.app, c.desiredHash, c.appliedHash].some((col) => col?.length !== n)) {
    throw new Error('its columns do not line up');
  }
  const entries: InventoryEntry[] = [];
  for (let i = 0; i < n; i++) {
    const type = c.types[c.type[i]], namespace = c.namespaces[c.namespace[i]], app = c.apps[c.app[i]];
    if (!type || namespace === undefined || app === undefined) throw new Error(`entry ${i} points outside its tables`);
    entries.push({
      ref: { group: type[0], kind: type[2], namespace, name: c.name[i] },
      apiVersion: type[1],
      app,
      desiredHash: unpackHash(c.desiredHash[i]),
      appliedHash: unpackHash(c.appliedHash[i]),
    });
  }
  return entries;
}

export interface Chunk {
  readonly bytes: Buffer;
  readonly count: number;
}

/**
 * The entries as gzipped column chunks of at most maxBytes each, in order. The size of the whole
 * tells how many chunks to cut; a chunk still too large is cut again.
 */
export function packChunks(entries: readonly InventoryEntry[], maxBytes: number = SHARD_BYTES): Chunk[] {
  const whole = gzipJson(toColumns(entries));
  if (whole.length <= maxBytes || entries.length <= 1) return [{ bytes: whole, count: entries.length }];
  const parts = Math.max(2, Math.ceil(whole.length / (maxBytes * 0.8)));
  const size = Math.ceil(entries.length / parts);
  const chunks: Chunk[] = [];
  for (let i = 0; i < entries.length; i += size) chunks.push(...packChunks(entries.slice(i, i + size), maxBytes));
  return chunks;
}

export function unpackChunk(bytes: Buffer): InventoryEntry[] {
  return fromColumns(gunzipJson<Columns>(bytes));
}

// Hashes are sha256 hex (agent/desired.ts objectHash): 32 raw bytes are 43 base64 characters instead
// of 64. Anything else is kept as it is behind a '~', which base64url never uses; '' stays ''.
const HEX_DIGEST = /^[0-9a-f]{64}$/;

function packHash(hash: string): string {
  if (hash === '') return '';
  return HEX_DIGEST.test(hash) ? Buffer.from(hash, 'hex').toString('base64url') : `~${hash}`;
}

function unpackHash(packed: string): string {
  if (packed === '' || packed.startsWith('~')) return packed.slice(1);
  return Buffer.from(packed, 'base64url').toString('hex');
}

/** Distinct values in order of first use, each with its index. */
class Table<T> {
  readonly values: T[] = [];
  private readonly index = new Map<T, number>();

  indexOf(value: T): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}
