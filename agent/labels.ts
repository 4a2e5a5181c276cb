// The labels and annotations through which the agent marks and reads the objects it manages.

import { OWNER_ENV } from '../core/owner-labels.ts';

export { OWNER_APP, OWNER_ENV } from '../core/owner-labels.ts';

/** `typed-gitops.dev/prune: disabled` keeps an object in the cluster when it leaves git. */
export const PRUNE = 'typed-gitops.dev/prune';
/** `typed-gitops.dev/sync-wave: "<int>"` orders objects within a stage (lower first). */
export const SYNC_WAVE = 'typed-gitops.dev/sync-wave';
/** `typed-gitops.dev/recreate: "true"` lets the agent delete and re-create an object on an immutable-field change. */
export const RECREATE = 'typed-gitops.dev/recreate';

/** `typed-gitops.dev/self-heal: disabled` reports drift of an object instead of correcting it. */
export const SELF_HEAL = 'typed-gitops.dev/self-heal';

export const FIELD_MANAGER = 'typed-gitops';

export function ownerSelector(env: string): string {
  return `${OWNER_ENV}=${env}`;
}
