// Drift and fight bookkeeping: which watch events mean an object no longer matches what we applied,
// and when a correction keeps being undone by another writer (a fight, reported instead of looping).
import { refKey, refOf } from '../core/kinds.ts';
import type { ApplyStep } from './plan.ts';
import type { Change, Inventory, InventoryEntry, ObjectRef } from './types.ts';
import type { CachedObject, WatchEvent } from './watch-cache.ts';

/** Drift corrections of one object within FIGHT_WINDOW_MS above which we stop and report a fight. */
const FIGHT_LIMIT = 3;
const FIGHT_WINDOW_MS = 60_000;
const FIGHT = 'fight:';

/** A correction not made because another writer keeps undoing it (see fightingWith). */
export function isFight(change: Change): boolean {
  return change.action === 'skipped' && change.reason?.startsWith(FIGHT) === true;
}

export class DriftTracker {
  private applied = new Map<string, InventoryEntry>();
  private readonly corrections = new Map<string, number[]>();
  /** While a sync writes, the last event of each object, compared once it has saved what it applied. */
  private held: Map<string, { event: WatchEvent; cached: CachedObject }> | undefined;

  /** What we applied, as the watch events are compared against it. */
  track(inventory: Inventory): void {
    this.applied = new Map(inventory.entries.map((e) => [refKey(e.ref), e]));
  }

  /** The object a watch event shows changed or deleted against what we applied, if any (none while held). */
  drifted(event: WatchEvent, cached: CachedObject): ObjectRef | undefined {
    if (this.held) return void this.held.set(refKey(refOf(cached.object)), { event, cached });
    const ref = refOf(cached.object);
    const entry = this.applied.get(refKey(ref));
    if (!entry || entry.appliedHash === '') return undefined;
    return event === 'delete' || cached.ownedHash !== entry.appliedHash ? ref : undefined;
  }

  /** A sync starts writing: the events of its own writes are no drift, so they wait for `release`. */
  hold(): void {
    this.held ??= new Map();
  }

  /** The objects that drifted while held, against what is tracked now (what the sync applied, once saved). */
  release(): ObjectRef[] {
    const held = [...(this.held?.values() ?? [])];
    this.held = undefined;
    return held.flatMap(({ event, cached }) => this.drifted(event, cached) ?? []);
  }

  /**
   * Counts a drift correction about to be made; returns why not to make it when it keeps being
   * undone. An apply of new content from git starts the count again.
   */
  fightingWith(step: ApplyStep, otherManager: () => string | undefined): string | undefined {
    const key = refKey(step.desired.ref);
    if (!step.drift) {
      this.corrections.delete(key);
      return undefined;
    }
    const now = Date.now();
    const recent = (this.corrections.get(key) ?? []).filter((t) => now - t < FIGHT_WINDOW_MS);
    if (recent.length >= FIGHT_LIMIT) {
      const other = otherManager();
      return `${FIGHT} changed back ${recent.length} times in ${FIGHT_WINDOW_MS / 1000} s${other ? ` by ${other}` : ''}; not re-applying until git changes it (stop the other writer, or stop setting the field in git)`;
    }
    this.corrections.set(key, [...recent, now]);
    return undefined;
  }

  reset(): void {
    this.applied = new Map();
    this.corrections.clear();
  }
}
