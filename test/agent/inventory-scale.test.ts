// The inventory at the objects-per-revision limit against a real kube-apiserver (its 1 MiB ConfigMap
// and 3 MiB request limits are the point): save and load 25,000 entries, a save killed between its
// shard writes and the switch of the head, an inventory of an earlier agent, and a reconciler whose
// inventory spans shards knowing after a restart what it owns.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packChunks } from '../../agent/inventory-codec.ts';
import { inventoryName, loadInventory, saveInventory, writeShards } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { Inventory } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, reconcilerFor, revisionOf, uniqueName } from './harness.ts';
import { benchLikeEntries, worstCaseEntries } from './inventory-entries.ts';

const ns = useTestNamespace({ prefix: 'inventory' });
const SHARD_OF = 'typed-gitops.dev/inventory-shard-of';
const GENERATION = 'typed-gitops.dev/inventory-generation';

/** The generations of the shard ConfigMaps of `env` that are in the namespace. */
async function shardGenerations(kube: KubeClient, env: string): Promise<string[]> {
  const shards = await kube.list('v1', 'ConfigMap', { namespace: ns.name, labelSelector: `${SHARD_OF}=${env}` });
  return [...new Set(shards.map((s) => s.metadata.labels![GENERATION]))];
}

describe('inventory at scale', () => {
  it('saves and loads 25,000 objects, and 25,000 with names as long as Kubernetes allows', async () => {
    const kube = new KubeClient(ns.connection);
    for (const entries of [benchLikeEntries(25_000), worstCaseEntries(25_000)]) {
      const env = uniqueName('env');
      const inventory: Inventory = { env, revision: 'a'.repeat(40), entries };
      await saveInventory(kube, ns.name, inventory);
      expect(await loadInventory(kube, ns.name, env)).toEqual(inventory);
    }
  });

  it('a save killed between its shard writes and the switch of the head leaves the previous inventory whole', async () => {
    const kube = new KubeClient(ns.connection);
    const env = uniqueName('env');
    const saved: Inventory = { env, entries: benchLikeEntries(25_000, 'saved') };
    await saveInventory(kube, ns.name, saved);
    const [savedGeneration] = await shardGenerations(kube, env);

    await writeShards(kube, ns.name, env, 'killed00', packChunks(benchLikeEntries(25_000, 'killed'))); // the agent dies here
    expect(await loadInventory(kube, ns.name, env)).toEqual(saved);

    const next: Inventory = { env, entries: benchLikeEntries(24_000, 'next') };
    await saveInventory(kube, ns.name, next);
    expect(await loadInventory(kube, ns.name, env)).toEqual(next);
    const generations = await shardGenerations(kube, env);
    expect(generations).toHaveLength(1);
    expect(generations).not.toContain(savedGeneration);
    expect(generations).not.toContain('killed00');
  });

  it('loads the single-ConfigMap inventory of an earlier agent, and the next save replaces it', async () => {
    const kube = new KubeClient(ns.connection);
    const env = uniqueName('env');
    const old: Inventory = { env, revision: 'b'.repeat(40), entries: benchLikeEntries(3_500) };
    await kube.apply({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: inventoryName(env), namespace: ns.name, labels: { 'app.kubernetes.io/managed-by': 'typed-gitops' } },
      binaryData: { 'inventory.json.gz': gzipSync(JSON.stringify(old)).toString('base64') },
    });
    expect(await loadInventory(kube, ns.name, env)).toEqual(old);
    const next: Inventory = { ...old, entries: benchLikeEntries(20_000) };
    await saveInventory(kube, ns.name, next);
    expect(await loadInventory(kube, ns.name, env)).toEqual(next);
  });

  it('a new reconciler finds every object of a sharded inventory unchanged, and prunes what left git', async () => {
    const env = uniqueName('env');
    const objects = Array.from({ length: 1_200 }, (_, i) => configMap(ns.name, `cm-${i}`, { i: String(i) }));
    const first = await reconcilerFor(env, ns.name, { concurrency: 16 }).reconcile(revisionOf(env, { app: objects }));
    expect(first.errors).toEqual([]);
    expect(await shardGenerations(new KubeClient(ns.connection), env)).toHaveLength(1); // more than the head holds

    const restarted = reconcilerFor(env, ns.name);
    const again = await restarted.reconcile(revisionOf(env, { app: objects.slice(1) }));
    expect(again.errors).toEqual([]);
    expect(again.changes.filter((c) => c.action !== 'unchanged')).toEqual([{ ref: { group: '', kind: 'ConfigMap', namespace: ns.name, name: 'cm-0' }, action: 'pruned' }]);
    expect((await loadInventory(restarted.kube, ns.name, env)).entries).toHaveLength(1_199);
  });
});
