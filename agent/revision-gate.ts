// What a new head must pass before it is parsed and applied: a good signature from an allowed key
// (when verification is on) and a place after the last applied commit (never backwards, unless
// allowed). A head that fails is refused with a UserInputError naming the commit and why.
import { UserInputError } from '../core/errors.ts';
import type { Logger } from './log.ts';
import type { LoopReconciler } from './run.ts';
import type { Revision } from './types.ts';
import type { GitSource } from './source.ts';

export interface GateOptions {
  readonly source: Pick<GitSource, 'descends'>;
  /** The commit the cluster last had applied, as the inventory in the cluster records it (survives restarts and a new clone). */
  readonly appliedRevision: () => Promise<string | undefined>;
  /** Follow a head that does not descend from the applied commit, with a notice. @default false */
  readonly allowRewind?: boolean;
  /** Throws a UserInputError when the commit is not signed by an allowed key. @default no verification */
  readonly verify?: (commit: string) => Promise<void>;
  readonly log?: Logger;
}

/** Returns the notices the status should carry for the commit, or throws the reason it is refused. */
export type RevisionGate = (commit: string) => Promise<readonly string[]>;

export function revisionGate(options: GateOptions): RevisionGate {
  return async (commit) => {
    await options.verify?.(commit);
    const applied = await options.appliedRevision();
    if (applied === undefined || await options.source.descends(commit, applied)) return [];
    if (!options.allowRewind) {
      throw new UserInputError(`commit ${commit} does not descend from ${applied}, the last applied rendered commit (the branch was force-pushed back or aside); it is refused and the cluster stays at ${applied}`, {
        commit, hint: 'Roll back with git revert on main, which moves the rendered branch forward; or, to follow this head on purpose, run the agent with --allow-rewind (agent.allowRewind).',
      });
    }
    const notice = `REWIND ALLOWED: the rendered branch moved from ${applied}, the last applied commit, to ${commit}, which does not descend from it; applying ${commit} because of --allow-rewind (agent.allowRewind)`;
    options.log?.warn({ from: applied, to: commit }, notice);
    return [notice];
  };
}

/** The revision carrying these notices too. */
export function withNotices(revision: Revision, notices: readonly string[]): Revision {
  return notices.length ? { ...revision, notices: [...(revision.notices ?? []), ...notices] } : revision;
}

/**
 * For one reconcile (`--once`): the gate runs right before the reconcile, so that under leader election its
 * read of the applied commit happens as the Lease holder; a refusal is recorded in the status, then thrown.
 */
export function gatedReconciler<R extends LoopReconciler>(reconciler: R, gate: RevisionGate): R {
  return {
    ...reconciler,
    async reconcile(revision: Revision) {
      let notices: readonly string[];
      try {
        notices = await gate(revision.commit);
      } catch (error) {
        await reconciler.reportSourceError(error);
        throw error;
      }
      return reconciler.reconcile(withNotices(revision, notices));
    },
  };
}
