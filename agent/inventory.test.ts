// The inventory's encoding and its save/load protocol, over an in-memory stand-in for the API server
// (the same protocol against the real control plane: test/agent/inventory-scale.test.ts).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../core/errors.ts';
import { benchLikeEntries, worstCaseEntries } from '../test/agent/inventory-entries.ts';
import { packChunks, SHARD_BYTES, unpackChunk } from './inventory-codec.ts';
import { inventoryName, loadInventory, saveInventory, writeShards } from './inventory.ts';
import type { KubeClient } from './kube.ts';
import type { Inventory, InventoryEntry, K8sObject } from './types.ts';

const MiB = 1024 * 1024;

/** ConfigMaps in one map, with label selectors of the `a=b,c!=d` form; records every write. */
function memoryKube() {
  const objects = new Map<string, K8sObject>();
  const writes: K8sObject[] = [];
  const matches = (o: K8sObject, selector = '') => selector.split(',').filter(Boolean).every((term) => {
    const [key, value] = term.split(/!?=/);
    const has = o.metadata.labels?.[key] === value;
    return term.includes('!=') ? !has : has;
  });
  const kube = {
    async read(_v: string, _k: string, _ns: string, name: string) { return objects.get(name); },
    async apply(o: K8sObject) { writes.push(o); objects.set(o.metadata.name!, structuredClone(o)); return o; },
    async list(_v: string, _k: string, options: { labelSelector?: string }) { return [...objects.values()].filter((o) => matches(o, options.labelSelector)); },
    async delete(ref: { name: string }) { objects.delete(ref.name); },
  };
  return { kube: kube as unknown as KubeClient, objects, writes };
}

/** What the API server checks: data + binaryData (decoded) ≤ 1 MiB per ConfigMap, a request ≤ 3 MiB. */
function expectWithinLimits(o: K8sObject) {
  const binary = Object.values((o.binaryData ?? {}) as Record<string, string>).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);
  expect(binary, `ConfigMap ${o.metadata.name}`).toBeLessThan(MiB / 2 + 1024);
  expect(Buffer.byteLength(JSON.stringify(o))).toBeLessThan(MiB);
}

const sample: InventoryEntry[] = [
  { ref: { group: '', kind: 'Namespace', namespace: '', name: 'shop' }, apiVersion: 'v1', app: 'namespaces', desiredHash: 'a'.repeat(64), appliedHash: 'b'.repeat(64) },
  { ref: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, apiVersion: 'apps/v1', app: 'web', desiredHash: '', appliedHash: '' },
  { ref: { group: 'example.com', kind: 'Widget', namespace: 'shop', name: 'w' }, apiVersion: 'example.com/v1beta1', app: 'web', desiredHash: 'not-hex', appliedHash: '~odd' },
  { ref: { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'web' }, apiVersion: 'v1', app: 'web', desiredHash: '0123456789abcdef'.repeat(4), appliedHash: 'A'.repeat(64) },
];

describe('inventory encoding', () => {
  it('gives back exactly the entries it was given, hashes of any form included', () => {
    const chunks = packChunks(sample);
    expect(chunks).toHaveLength(1);
    expect(unpackChunk(chunks[0].bytes)).toEqual(sample);
  });

  it('keeps 25,000 objects (the objects-per-revision limit) in shards of at most 512 KiB, under 80 bytes an object', () => {
    const entries = benchLikeEntries(25_000);
    const chunks = packChunks(entries);
    const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
    expect(chunks.every((c) => c.bytes.length <= SHARD_BYTES)).toBe(true);
    expect(total / entries.length).toBeLessThan(80);
    expect(chunks.flatMap((c) => unpackChunk(c.bytes))).toEqual(entries);
  });

  it('keeps every shard under 512 KiB when every name is as long and random as Kubernetes allows', () => {
    const entries = worstCaseEntries(25_000);
    const chunks = packChunks(entries);
    expect(chunks.every((c) => c.bytes.length <= SHARD_BYTES)).toBe(true);
    expect(chunks.map((c) => c.count).reduce((a, b) => a + b)).toBe(25_000);
    expect(chunks.flatMap((c) => unpackChunk(c.bytes))).toEqual(entries);
  });
});

describe('saving and loading the inventory', () => {
  it('writes 25,000 objects as ConfigMaps within the API server limits and reads them back', async () => {
    for (const entries of [benchLikeEntries(25_000), worstCaseEntries(25_000)]) {
      const { kube, writes } = memoryKube();
      const inventory: Inventory = { env: 'prod', revision: 'c'.repeat(40), entries };
      await saveInventory(kube, 'gitops', inventory);
      writes.forEach(expectWithinLimits);
      expect(await loadInventory(kube, 'gitops', 'prod')).toEqual(inventory);
    }
  });

  it('keeps a small environment in the one head object', async () => {
    const { kube, objects } = memoryKube();
    await saveInventory(kube, 'gitops', { env: 'dev', entries: sample });
    expect([...objects.keys()]).toEqual([inventoryName('dev')]);
    expect(await loadInventory(kube, 'gitops', 'dev')).toEqual({ env: 'dev', entries: sample });
  });

  it('reads the single-object inventory of earlier agents, and replaces it on the next save', async () => {
    const { kube, objects } = memoryKube();
    const old: Inventory = { env: 'prod', revision: 'd'.repeat(40), entries: sample };
    objects.set(inventoryName('prod'), {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: inventoryName('prod'), namespace: 'gitops' },
      binaryData: { 'inventory.json.gz': gzipSync(JSON.stringify(old)).toString('base64') },
    });
    expect(await loadInventory(kube, 'gitops', 'prod')).toEqual(old);
    const next = { ...old, entries: benchLikeEntries(5_000) };
    await saveInventory(kube, 'gitops', next);
    expect(await loadInventory(kube, 'gitops', 'prod')).toEqual(next);
  });

  it('a save killed before it switched the head loses nothing, and the next save removes what it left', async () => {
    const { kube, objects } = memoryKube();
    const saved: Inventory = { env: 'prod', entries: benchLikeEntries(10_000, 'saved') };
    await saveInventory(kube, 'gitops', saved);
    const before = new Set(objects.keys());
    await writeShards(kube, 'gitops', 'prod', 'killed00', packChunks(benchLikeEntries(12_000, 'killed'))); // then the agent died
    expect(await loadInventory(kube, 'gitops', 'prod')).toEqual(saved);

    const next: Inventory = { env: 'prod', entries: benchLikeEntries(11_000, 'next') };
    await saveInventory(kube, 'gitops', next);
    expect(await loadInventory(kube, 'gitops', 'prod')).toEqual(next);
    const left = [...objects.keys()];
    expect(left.filter((n) => n.includes('killed00') || (before.has(n) && n !== inventoryName('prod')))).toEqual([]);
    expect(left.length).toBeGreaterThan(2); // head and this generation's shards
  });

  it('refuses an inventory whose shard is gone, naming it, instead of forgetting what it owns', async () => {
    const { kube, objects } = memoryKube();
    await saveInventory(kube, 'gitops', { env: 'prod', entries: benchLikeEntries(20_000) });
    const shard = [...objects.keys()].find((n) => n !== inventoryName('prod'))!;
    objects.delete(shard);
    const error = await loadInventory(kube, 'gitops', 'prod').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toContain(`gitops/${shard}`);
  });

  it('refuses a head it cannot read (not gzip, a newer format, no entries), naming the ConfigMap', async () => {
    for (const bytes of [Buffer.from('not gzip'), gzipSync(JSON.stringify({ v: 3, env: 'prod', count: 0 })), gzipSync(JSON.stringify({ v: 2, env: 'prod', count: 1 })), gzipSync('{}')]) {
      const { kube, objects } = memoryKube();
      objects.set(inventoryName('prod'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: inventoryName('prod') }, binaryData: { 'inventory.json.gz': bytes.toString('base64') } });
      const error = await loadInventory(kube, 'gitops', 'prod').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as ClusterError).subject.object).toBe(`ConfigMap gitops/${inventoryName('prod')}`);
    }
  });
});
