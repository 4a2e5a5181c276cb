// The plain-data types that flow through the agent:
// Revision -> DesiredSet -> Plan -> ChangeSet -> ReconcileResult, with the Inventory saved between runs.
import type { K8sObject, ObjectRef } from '../core/types.ts';
import type { HealthReport } from './health/types.ts';

export type { K8sObject, ObjectRef };

/** A rendered commit and the object files (YAML) of one environment in it (paths relative to `<env>/`). */
export interface Revision {
  readonly commit: string;
  readonly sourceCommit?: string; // from the commit's Source-Commit trailer
  readonly subject?: string; // the commit's subject, `render <source sha>: <source subject>` when publish made it
  readonly env: string;
  readonly files: ReadonlyMap<string, string>;
  /** The environment's health rules (`<env>.health-rules.json` beside its folder), when the branch has them. */
  readonly healthRules?: string;
  /** What the source noticed about this revision that the status should say (e.g. the branch moved backwards). */
  readonly notices?: readonly string[];
}

/** One object to apply: the rendered object plus our owner labels, with the hash of exactly that. */
export interface DesiredObject {
  readonly ref: ObjectRef;
  readonly object: K8sObject;
  readonly app: string;
  readonly file: string; // '<env>/<app>/<ns>/<kind>-<name>.yaml'
  readonly hash: string; // sha256 of the object as it will be sent
}

export interface DesiredSet {
  readonly revision: Revision;
  readonly objects: readonly DesiredObject[];
}

/** What we applied last time, per object; kept in the cluster between runs. */
export interface InventoryEntry {
  readonly ref: ObjectRef;
  readonly apiVersion: string;
  readonly app: string;
  readonly desiredHash: string; // hash of the desired object we sent
  readonly appliedHash: string; // hash of our fields in the server's answer (see managed-fields.ts)
}

export interface Inventory {
  readonly env: string;
  readonly revision?: string;
  readonly entries: readonly InventoryEntry[];
}

/** The live state of one object the plan needs. */
export interface LiveObject {
  readonly ref: ObjectRef;
  readonly owned: boolean; // carries our owner labels for this environment
  readonly otherEnv?: boolean; // carries another environment's owner label
  readonly ownedHash?: string; // hash of the fields our field manager owns, as they are now
  readonly skipPrune: boolean; // annotated typed-gitops.dev/prune: disabled
}

export type Action = 'created' | 'configured' | 'unchanged' | 'pruned' | 'skipped' | 'failed';

export type PlanStep =
  | { readonly op: 'apply'; readonly desired: DesiredObject; readonly exists: boolean; readonly stage: number; readonly drift: boolean }
  | { readonly op: 'unchanged'; readonly desired: DesiredObject; readonly entry: InventoryEntry }
  | { readonly op: 'prune'; readonly entry: InventoryEntry }
  /** `untrack`: the object is no longer ours to track (it stays, and leaves the inventory). */
  | { readonly op: 'skip'; readonly ref: ObjectRef; readonly reason: string; readonly untrack?: boolean };

export interface Plan {
  /** Applies in order (stage, wave, kind, namespace, name), grouped in stages. */
  readonly apply: readonly Extract<PlanStep, { op: 'apply' }>[];
  readonly unchanged: readonly Extract<PlanStep, { op: 'unchanged' }>[];
  /** Prunes in reverse apply order. */
  readonly prune: readonly Extract<PlanStep, { op: 'prune' }>[];
  readonly skip: readonly Extract<PlanStep, { op: 'skip' }>[];
  /** Set when the whole revision must not be synced, with why. */
  readonly refusal?: string;
}

export interface Change {
  readonly ref: ObjectRef;
  readonly action: Action;
  readonly reason?: string;
  /** Set when the apply corrected drift (a change made in the cluster) rather than a change from git. */
  readonly drift?: boolean;
}

export interface ReconcileResult {
  readonly env: string;
  readonly revision?: string;
  readonly sourceCommit?: string;
  /** The rendered commit's subject (untrusted: from the branch). */
  readonly subject?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly changes: readonly Change[];
  readonly errors: readonly string[];
  /** Worth knowing, but not a failure (copied from the Revision). */
  readonly notices?: readonly string[];
  readonly ok: boolean;
  /** Set when this replica did nothing because another one is the leader. */
  readonly standby?: boolean;
  /** Health of the environment, its apps and objects after this reconcile. */
  readonly health?: HealthReport;
}
