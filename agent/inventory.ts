// The inventory of applied objects for one environment, kept in the cluster in the agent's namespace:
// a head ConfigMap `typed-gitops-inventory-<env>` and, for large environments, shard ConfigMaps of
// one generation (encoding in inventory-codec.ts). A save writes the new generation's shards first,
// then switches the head to them in one write, then deletes the old shards: an agent killed at any
// point leaves a head whose every shard exists, so a reader always sees one complete generation.
import { randomBytes } from 'node:crypto';
import { ClusterError } from '../core/errors.ts';
import type { KubeClient } from './kube.ts';
import { fromColumns, gunzipJson, gzipJson, INLINE_BYTES, packChunks, sha256, toColumns, unpackChunk, type Chunk, type Head, type ShardRef } from './inventory-codec.ts';
import type { Inventory, InventoryEntry, K8sObject } from './types.ts';

/** The head's key (gzipped JSON in both formats: the old single-object inventory and the new head). */
const KEY = 'inventory.json.gz';
const SHARD_KEY = 'entries.json.gz';
export const SHARD_OF = 'typed-gitops.dev/inventory-shard-of';
const GENERATION = 'typed-gitops.dev/inventory-generation';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'typed-gitops' };

export function inventoryName(env: string): string {
  return `typed-gitops-inventory-${env}`;
}

export async function loadInventory(kube: KubeClient, namespace: string, env: string): Promise<Inventory> {
  const head = await readHead(kube, namespace, env);
  if (!head) return { env, entries: [] };
  try {
    return await inventoryOf(kube, namespace, env, head);
  } catch (error) {
    if (!(error instanceof MissingShard)) throw error;
    // Only the leader writes, but a reader may meet a save that just replaced the generation: read once more.
    const again = await readHead(kube, namespace, env);
    return again ? inventoryOf(kube, namespace, env, again) : { env, entries: [] };
  }
}

/** The commit the inventory was last saved for: one read of the head, no shards. */
export async function inventoryRevision(kube: KubeClient, namespace: string, env: string): Promise<string | undefined> {
  return (await readHead(kube, namespace, env))?.revision;
}

export async function saveInventory(kube: KubeClient, namespace: string, inventory: Inventory): Promise<void> {
  const { env } = inventory;
  const previous = await readHead(kube, namespace, env);
  const current = previous && 'generation' in previous ? previous.generation : undefined;
  await deleteShards(kube, namespace, await orphanShards(kube, namespace, env, current));
  const chunks = packChunks(inventory.entries);
  const summary = { v: 2 as const, env, ...(inventory.revision ? { revision: inventory.revision } : {}), count: inventory.entries.length };
  let head: Head;
  if (chunks.length === 1 && chunks[0].bytes.length <= INLINE_BYTES) {
    head = { ...summary, columns: toColumns(inventory.entries) };
  } else {
    const generation = randomBytes(4).toString('hex');
    head = { ...summary, generation, shards: await writeShards(kube, namespace, env, generation, chunks) };
  }
  await kube.apply(configMap(inventoryName(env), namespace, MANAGED_BY, gzipJson(head), KEY));
  const kept = new Set('shards' in head ? head.shards.map((s) => s.name) : []);
  if (previous && 'shards' in previous) await deleteShards(kube, namespace, previous.shards.map((s) => s.name).filter((name) => !kept.has(name)));
}

/**
 * Writes the shard objects of a generation (not yet in use: the head still names the previous one).
 * Exported for the test that kills a save between its shard writes and the switch of the head.
 */
export async function writeShards(kube: KubeClient, namespace: string, env: string, generation: string, chunks: readonly Chunk[]): Promise<ShardRef[]> {
  const shards: ShardRef[] = [];
  for (const [i, { bytes, count }] of chunks.entries()) {
    const name = `${inventoryName(env)}-${generation}-${i}`;
    await kube.apply(configMap(name, namespace, { ...MANAGED_BY, [SHARD_OF]: env, [GENERATION]: generation }, bytes, SHARD_KEY));
    shards.push({ name, count, sha256: sha256(bytes) });
  }
  return shards;
}

/** Deletes the inventory of an environment, its head and then every shard (`gitops uninstall`). */
export async function deleteInventory(kube: KubeClient, namespace: string, env: string): Promise<void> {
  await kube.delete({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace, name: inventoryName(env) }, 'Background');
  await deleteShards(kube, namespace, await orphanShards(kube, namespace, env, undefined));
}

/** Makes sure the agent's own namespace exists (for the inventory and status objects). */
export async function ensureNamespace(kube: KubeClient, namespace: string): Promise<void> {
  if (!(await kube.read('v1', 'Namespace', '', namespace))) {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
}

class MissingShard extends ClusterError {}

async function readHead(kube: KubeClient, namespace: string, env: string): Promise<Head | undefined> {
  const name = inventoryName(env);
  const data = binaryOf(await kube.read('v1', 'ConfigMap', namespace, name), KEY);
  return data && decoded(() => gunzipJson<Head>(data), `${namespace}/${name}`);
}

async function inventoryOf(kube: KubeClient, namespace: string, env: string, head: Head): Promise<Inventory> {
  const about = `${namespace}/${inventoryName(env)}`;
  if (head.v === undefined) { // written by an agent before shards: { env, revision, entries }
    if (!Array.isArray(head.entries)) throw damaged(about, 'it holds no entries');
    return head;
  }
  const format: unknown = head.v;
  if (format !== 2) throw damaged(about, `it is in format ${String(format)}, which this agent does not know (written by a newer agent?)`);
  if (!('columns' in head) && !Array.isArray(head.shards)) throw damaged(about, 'it names neither entries nor shards');
  const entries = 'columns' in head
    ? decoded(() => fromColumns(head.columns), about)
    : (await Promise.all(head.shards.map((s) => readShard(kube, namespace, s, about)))).flat();
  if (entries.length !== head.count) throw damaged(about, `it lists ${head.count} objects but holds ${entries.length}`);
  return { env, ...(head.revision ? { revision: head.revision } : {}), entries };
}

async function readShard(kube: KubeClient, namespace: string, shard: ShardRef, about: string): Promise<InventoryEntry[]> {
  const bytes = binaryOf(await kube.read('v1', 'ConfigMap', namespace, shard.name), SHARD_KEY);
  if (!bytes || sha256(bytes) !== shard.sha256) {
    throw new MissingShard(`shard ${namespace}/${shard.name} of the inventory is ${bytes ? 'not the one the inventory was written with' : 'missing'}`, { object: `ConfigMap ${about}`, hint: HINT });
  }
  const entries = decoded(() => unpackChunk(bytes), `${namespace}/${shard.name}`);
  if (entries.length !== shard.count) throw damaged(about, `shard ${shard.name} holds ${entries.length} objects, not ${shard.count}`);
  return entries;
}

/** Shards of this environment that the head does not name: left by a save that was killed. */
async function orphanShards(kube: KubeClient, namespace: string, env: string, current: string | undefined): Promise<string[]> {
  const labelSelector = `${SHARD_OF}=${env}${current ? `,${GENERATION}!=${current}` : ''}`;
  return (await kube.list('v1', 'ConfigMap', { namespace, labelSelector })).map((o) => o.metadata.name ?? '').filter(Boolean);
}

async function deleteShards(kube: KubeClient, namespace: string, names: readonly string[]): Promise<void> {
  for (const name of names) await kube.delete({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace, name }, 'Background');
}

function configMap(name: string, namespace: string, labels: Record<string, string>, bytes: Buffer, key: string): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, binaryData: { [key]: bytes.toString('base64') } };
}

function binaryOf(object: K8sObject | undefined, key: string): Buffer | undefined {
  const data = (object?.binaryData as Record<string, string> | undefined)?.[key];
  return data ? Buffer.from(data, 'base64') : undefined;
}

function decoded<T>(decode: () => T, about: string): T {
  try {
    return decode();
  } catch (error) {
    throw damaged(about, (error as Error).message);
  }
}

const HINT = 'The agent does not know what it owns, so it changes nothing. Restore the inventory ConfigMaps from a backup, or delete the inventory ConfigMap to start over (objects that left git are then not pruned).';

function damaged(about: string, why: string): ClusterError {
  return new ClusterError(`the inventory cannot be read: ${why}`, { object: `ConfigMap ${about}`, hint: HINT });
}
