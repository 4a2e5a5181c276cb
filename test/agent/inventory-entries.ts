// Inventories for the scale tests: the agent benchmark's shape (7 kinds per service, 10 services per
// app, real sha256 hashes) and a worst case (every name, namespace and app as long and random as allowed).
import { createHash, randomBytes } from 'node:crypto';
import type { InventoryEntry } from '../../agent/types.ts';

const KINDS = [['', 'v1', 'ConfigMap'], ['apps', 'apps/v1', 'Deployment'], ['', 'v1', 'Service'], ['networking.k8s.io', 'networking.k8s.io/v1', 'Ingress'],
  ['autoscaling', 'autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy', 'policy/v1', 'PodDisruptionBudget'], ['networking.k8s.io', 'networking.k8s.io/v1', 'NetworkPolicy']] as const;

const digest = (seed: string) => createHash('sha256').update(seed).digest('hex');

export function benchLikeEntries(count: number, seed = 'a'): InventoryEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const [group, apiVersion, kind] = KINDS[i % KINDS.length];
    const service = Math.floor(i / KINDS.length);
    return {
      ref: { group, kind, namespace: 'bench', name: `svc-${String(service).padStart(5, '0')}` },
      apiVersion, app: `chart-${String(Math.floor(service / 10)).padStart(4, '0')}`,
      desiredHash: digest(`${seed}d${i}`), appliedHash: digest(`${seed}a${i}`),
    };
  });
}

const random = (chars: number) => randomBytes(chars).toString('base64url').replace(/[^a-z0-9]/gi, 'x').toLowerCase().slice(0, chars);

export function worstCaseEntries(count: number): InventoryEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    ref: { group: `g${random(60)}.example.com`, kind: `K${random(62)}`, namespace: random(63), name: random(253) },
    apiVersion: `g${random(60)}.example.com/v1`, app: random(63), desiredHash: digest(`d${i}`), appliedHash: i % 2 ? '' : digest(`a${i}`),
  }));
}
