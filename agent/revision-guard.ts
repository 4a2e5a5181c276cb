// The platform's limits on a parsed revision, checked before anything is read or written: none of the
// agent's own objects (reserved.ts), nothing outside the environment's bounds (bounds.ts, read now when
// they come from the settings ConfigMap). Returns the refusal, or undefined when the revision may be applied.
import { boundsRefusal, boundsViolations, type BoundedObject, type Bounds } from '../core/bounds.ts';
import { reservedRefusal, type ReservedObjects } from './reserved.ts';

export interface RevisionGuard {
  /** The bounds, or how to read them at each reconcile (a change takes effect without a restart). @default no bounds */
  readonly bounds?: Bounds | (() => Promise<Bounds>);
  /** @default none reserved */
  readonly reserved?: ReservedObjects;
}

export async function guardRefusal(objects: readonly (BoundedObject & { readonly file: string })[], guard: RevisionGuard): Promise<string | undefined> {
  const own = guard.reserved && reservedRefusal(objects, guard.reserved);
  if (own) return own;
  const bounds = typeof guard.bounds === 'function' ? await guard.bounds() : guard.bounds;
  return bounds && boundsRefusal(boundsViolations(objects, bounds));
}
