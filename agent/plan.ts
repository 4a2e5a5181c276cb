// Decides what a reconcile does, from the desired set, the inventory of what we applied last time
// and the live state of those objects. Pure: no I/O, so every rule is tested without a cluster.
import { formatRef, refKey } from '../core/kinds.ts';
import { SELF_HEAL } from './labels.ts';
import { compareForApply, stageOf } from './order.ts';
import { isOwn, ownObjectsRefusal, type OwnObjects } from './own-objects.ts';
import type { DesiredSet, Inventory, LiveObject, ObjectRef, Plan, PlanStep } from './types.ts';

export interface PlanOptions {
  /** Delete objects that left git. */
  readonly prune: boolean;
  /** Allow a revision with no objects to prune a non-empty inventory. */
  readonly allowEmpty: boolean;
  /** Re-apply objects changed or deleted in the cluster; when off (or annotated off), report them. @default true */
  readonly selfHeal?: boolean;
  /** The agent's own objects (own-objects.ts): never pruned, never dropped, ordered around the rest. @default none: `gitops uninstall` deletes them on purpose */
  readonly own?: OwnObjects;
}

type Step<K extends PlanStep['op']> = Extract<PlanStep, { op: K }>;

/** One object to apply, as the plan hands it to the dry run and the applier. */
export type ApplyStep = Plan['apply'][number];

export function plan(desired: DesiredSet, inventory: Inventory, live: ReadonlyMap<string, LiveObject>, options: PlanOptions): Plan {
  const env = desired.revision.env;
  if (desired.objects.length === 0 && inventory.entries.length > 0 && !options.allowEmpty) {
    return {
      apply: [], unchanged: [], prune: [], skip: [],
      refusal: `revision ${desired.revision.commit.slice(0, 12)} has no objects for environment ${env} while ${inventory.entries.length} are applied; ` +
        'refusing to prune everything (set agent.allowEmpty in gitops.config.ts if that is what you want)',
    };
  }
  const ownRefusal = options.own && ownObjectsRefusal(desired, inventory, live, options.own, options.prune);
  if (ownRefusal) return { apply: [], unchanged: [], prune: [], skip: [], refusal: ownRefusal };
  const entries = new Map(inventory.entries.map((e) => [refKey(e.ref), e]));
  const apply: Step<'apply'>[] = [], unchanged: Step<'unchanged'>[] = [], prune: Step<'prune'>[] = [], skip: Step<'skip'>[] = [];

  for (const d of desired.objects) {
    const key = refKey(d.ref);
    const current = live.get(key);
    const entry = entries.get(key);
    if (current && !current.owned && !adoptable(d.ref, current, options.own)) {
      skip.push({ op: 'skip', ref: d.ref, reason: `${formatRef(d.ref)} already exists and is not managed by typed-gitops for ${env}; not applying over it (delete it, or label it typed-gitops.dev/env=${env} to adopt it)` });
    } else if (current && entry && entry.desiredHash === d.hash && current.ownedHash === entry.appliedHash) {
      unchanged.push({ op: 'unchanged', desired: d, entry });
    } else {
      // Same desired object as last applied, yet different in the cluster: someone changed or deleted it.
      const drift = entry !== undefined && entry.desiredHash === d.hash;
      if (drift && (options.selfHeal === false || d.object.metadata.annotations?.[SELF_HEAL] === 'disabled')) {
        skip.push({ op: 'skip', ref: d.ref, reason: `${current ? 'a field we set was changed in the cluster' : 'deleted in the cluster'} (drift from git); self-heal is off, so it is left as is` });
      } else {
        apply.push({ op: 'apply', desired: d, exists: current !== undefined, stage: stageOf(d.ref, isOwn(options.own, d.ref)), drift });
      }
    }
  }

  const wanted = new Set(desired.objects.map((d) => refKey(d.ref)));
  for (const entry of inventory.entries) {
    const key = refKey(entry.ref);
    if (wanted.has(key)) continue;
    const current = live.get(key);
    // Gone already: forget it now, so that a copy restored later (owner labels and all) is not ours to prune.
    if (!current) skip.push({ op: 'skip', ref: entry.ref, reason: 'left git and is no longer in the cluster with our owner labels (deleted by hand?); no longer tracked', untrack: true });
    else if (!options.prune) skip.push({ op: 'skip', ref: entry.ref, reason: 'left git, but pruning is off' });
    else if (!current.owned) skip.push({ op: 'skip', ref: entry.ref, reason: 'left git, but no longer carries our owner labels; not deleting it', untrack: true });
    else if (current.skipPrune) skip.push({ op: 'skip', ref: entry.ref, reason: 'left git, but is annotated typed-gitops.dev/prune: disabled', untrack: true });
    else prune.push({ op: 'prune', entry });
  }

  apply.sort((a, b) => a.stage - b.stage || compareForApply(a.desired, b.desired));
  prune.sort((a, b) => compareForApply(b.entry, a.entry));
  return { apply, unchanged, prune, skip };
}

/**
 * The agent's own Namespace, found without owner labels (the agent made it for its Lease before its first revision,
 * or an admin made it before installing), is taken over, as `flux bootstrap` does; never another environment's.
 */
function adoptable(ref: ObjectRef, current: LiveObject, own: OwnObjects | undefined): boolean {
  return ref.kind === 'Namespace' && ref.group === '' && !current.otherEnv && isOwn(own, ref);
}
