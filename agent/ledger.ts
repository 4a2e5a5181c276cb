// The inventory as it changes during one reconcile: the last saved one, plus the intent recorded
// before any write, the result of each apply, and what prune or untracking removed. The reconciler
// saves it only when it differs from what was saved.
import { refKey } from '../core/kinds.ts';
import type { DesiredObject, Inventory, InventoryEntry, ObjectRef } from './types.ts';

export class InventoryLedger {
  private readonly entries: Map<string, InventoryEntry>;

  constructor(previous: Inventory) {
    this.entries = new Map(previous.entries.map((e) => [refKey(e.ref), e]));
  }

  /** Records objects about to be created (no hashes yet); returns whether any was new, i.e. worth saving first. */
  intend(objects: readonly DesiredObject[]): boolean {
    const fresh = objects.filter((d) => !this.entries.has(refKey(d.ref)));
    for (const d of fresh) this.entries.set(refKey(d.ref), entryFor(d, '', ''));
    return fresh.length > 0;
  }

  /** The object was applied: what we sent and the hash of our fields in the server's answer. */
  applied(desired: DesiredObject, appliedHash: string): void {
    this.entries.set(refKey(desired.ref), entryFor(desired, desired.hash, appliedHash));
  }

  /** A creation failed: the intent goes, an object applied before stays tracked. */
  notCreated(ref: ObjectRef): void {
    if (this.entries.get(refKey(ref))?.desiredHash === '') this.entries.delete(refKey(ref));
  }

  forget(ref: ObjectRef): void {
    this.entries.delete(refKey(ref));
  }

  toInventory(env: string, revision: string | undefined): Inventory {
    return { env, ...(revision ? { revision } : {}), entries: [...this.entries.values()] };
  }
}

function entryFor(d: DesiredObject, desiredHash: string, appliedHash: string): InventoryEntry {
  return { ref: d.ref, apiVersion: d.object.apiVersion, app: d.app, desiredHash, appliedHash };
}
