// What the web page remembers between reconciles: the last reconciles (time, duration, counts,
// errors), the last drift corrections and fights, and each object's last action and health. Bounded:
// a fixed number of entries, and one row per object of the environment (which the limits bound).
import { formatRef, refKey } from '../../core/kinds.ts';
import { isFight } from '../drift.ts';
import type { HealthStatus } from '../health/types.ts';
import { clip as clipTo, countActions } from '../status.ts';
import type { Action, ObjectRef, ReconcileResult } from '../types.ts';

export interface ReconcileEntry {
  readonly at: string;
  readonly durationMs: number;
  readonly revision?: string;
  readonly ok: boolean;
  readonly counts: Record<Action, number>;
  /** The first few errors, cut short; errorCount says how many there were. */
  readonly errors: readonly string[];
  readonly errorCount: number;
}

export interface DriftEntry {
  readonly at: string;
  readonly object: string; // 'Kind namespace/name'
  readonly what: 'corrected' | 'fight';
  readonly detail: string;
}

export interface ObjectRow {
  readonly ref: ObjectRef;
  readonly app: string;
  /** The last action other than unchanged (unchanged when it never had one since the agent started). */
  readonly action: Action;
  readonly actionAt?: string;
  readonly health: HealthStatus;
  readonly message: string;
}

const RECONCILES = 20;
const DRIFTS = 50;
const ERRORS = 3;
const TEXT = 500;

export class Activity {
  readonly reconciles: ReconcileEntry[] = [];
  readonly drift: DriftEntry[] = [];
  private rows = new Map<string, ObjectRow>();
  /** Grows with each record, so that readers know when to look again. */
  version = 0;

  objects(): readonly ObjectRow[] {
    return [...this.rows.values()];
  }

  /** Records one reconcile of this replica (a standby's, which did nothing, is not one). */
  record(result: ReconcileResult): void {
    if (result.standby) return;
    this.version++;
    const at = result.startedAt;
    pushBounded(this.reconciles, {
      at, durationMs: result.durationMs, revision: result.revision, ok: result.ok, counts: countActions(result),
      errors: result.errors.slice(0, ERRORS).map((e) => clip(e)), errorCount: result.errors.length,
    }, RECONCILES);
    for (const c of result.changes) {
      if (c.drift && c.action !== 'unchanged') pushBounded(this.drift, { at, object: formatRef(c.ref), what: 'corrected', detail: c.action }, DRIFTS);
      if (isFight(c)) pushBounded(this.drift, { at, object: formatRef(c.ref), what: 'fight', detail: clip(c.reason ?? '') }, DRIFTS);
    }
    if (result.health) this.rows = this.nextRows(result, at);
  }

  /** One row per object of the revision (the health report lists them all); objects git left are gone. */
  private nextRows(result: ReconcileResult, at: string): Map<string, ObjectRow> {
    const actions = new Map(result.changes.map((c) => [refKey(c.ref), c.action]));
    const rows = new Map<string, ObjectRow>();
    for (const o of result.health!.objects) {
      const key = refKey(o.ref);
      const action = actions.get(key) ?? 'unchanged';
      const before = this.rows.get(key);
      const last = action === 'unchanged' && before ? { action: before.action, actionAt: before.actionAt } : { action, ...(action === 'unchanged' ? {} : { actionAt: at }) };
      rows.set(key, { ref: o.ref, app: o.app ?? '', ...last, health: o.status, message: clip(o.message) });
    }
    return rows;
  }
}

/** Newest first, at most `limit`. */
function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.unshift(item);
  list.length = Math.min(list.length, limit);
}

const clip = (text: string) => clipTo(text, TEXT);
