// The inventory of applied objects for one environment, kept in the cluster as a ConfigMap in the
// agent's namespace (gzipped JSON, so thousands of objects fit well under the 1 MiB object limit).
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient } from './kube.ts';
import type { Inventory, K8sObject } from './types.ts';

const KEY = 'inventory.json.gz';

export function inventoryName(env: string): string {
  return `typed-gitops-inventory-${env}`;
}

export async function loadInventory(kube: KubeClient, namespace: string, env: string): Promise<Inventory> {
  const cm = await kube.read('v1', 'ConfigMap', namespace, inventoryName(env));
  const data = (cm?.binaryData as Record<string, string> | undefined)?.[KEY];
  if (!data) return { env, entries: [] };
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Inventory;
}

export async function saveInventory(kube: KubeClient, namespace: string, inventory: Inventory): Promise<void> {
  const object: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: inventoryName(inventory.env), namespace, labels: { 'app.kubernetes.io/managed-by': 'typed-gitops' } },
    binaryData: { [KEY]: gzipSync(JSON.stringify(inventory)).toString('base64') },
  };
  await kube.apply(object);
}

/** Makes sure the agent's own namespace exists (for the inventory and status objects). */
export async function ensureNamespace(kube: KubeClient, namespace: string): Promise<void> {
  if (!(await kube.read('v1', 'Namespace', '', namespace))) {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
}
