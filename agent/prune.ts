// Deletes the objects that left git (the plan's prune steps, already in reverse apply order), and
// none at all while some object of the same reconcile failed: a half-applied revision prunes nothing.
import type { KubeClient } from './kube.ts';
import type { InventoryLedger } from './ledger.ts';
import type { Change, Plan } from './types.ts';

export interface PruneOptions {
  /** Objects of this reconcile that failed; any means nothing is pruned. */
  readonly failed: number;
  readonly propagationPolicy: 'Background' | 'Foreground' | 'Orphan';
}

export async function prune(kube: KubeClient, steps: Plan['prune'], ledger: InventoryLedger, options: PruneOptions): Promise<Change[]> {
  const changes: Change[] = [];
  for (const { entry } of steps) {
    if (options.failed > 0) {
      changes.push({ ref: entry.ref, action: 'skipped', reason: `not pruned: ${options.failed} object(s) failed to apply` });
      continue;
    }
    try {
      await kube.delete({ ...entry.ref, apiVersion: entry.apiVersion }, options.propagationPolicy);
      ledger.forget(entry.ref);
      changes.push({ ref: entry.ref, action: 'pruned' });
    } catch (error) {
      changes.push({ ref: entry.ref, action: 'failed', reason: `prune failed: ${(error as Error).message}` });
    }
  }
  return changes;
}
