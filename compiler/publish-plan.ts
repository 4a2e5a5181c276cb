// Decides, without I/O, what one publish attempt does with the remote's rendered head:
// build on it, refuse to move the branch backwards, or build anyway because --force said so.
import { GitError } from '../core/errors.ts';

/** The remote's rendered head as read before building. */
export interface RenderedHead {
  readonly sha: string;
  /** Its Source-Commit trailer; undefined when it has none (not made by publish). */
  readonly sourceCommit?: string;
  /** Whether sourceCommit is an ancestor of (or is) the commit being published; undefined when it is not in this clone. */
  readonly sourceIsAncestor?: boolean;
}

export interface PlanInput {
  readonly source: string; // full sha being published
  readonly branch: string; // rendered branch, for messages
  readonly head?: RenderedHead;
  readonly force: boolean;
  readonly shallow: boolean; // the clone is shallow, so a missing commit may simply not be fetched
}

export type PublishStep =
  | { readonly kind: 'build'; readonly parent?: string; readonly forcedOver?: string; readonly warning?: string }
  | { readonly kind: 'refuse'; readonly error: GitError };

export function planPublish({ source, branch, head, force, shallow }: PlanInput): PublishStep {
  if (!head) return { kind: 'build' };
  if (head.sourceCommit && head.sourceIsAncestor) return { kind: 'build', parent: head.sha };

  const why = !head.sourceCommit
    ? `the head of '${branch}' (${head.sha}) has no Source-Commit trailer, so it cannot be checked that publishing ${source} does not move it backwards`
    : head.sourceIsAncestor === false
      ? `the head of '${branch}' (${head.sha}) was rendered from ${head.sourceCommit}, which is not an ancestor of ${source}: publishing would move '${branch}' backwards`
      : `the head of '${branch}' (${head.sha}) was rendered from ${head.sourceCommit}, which is not in this clone, so it cannot be checked that publishing ${source} does not move '${branch}' backwards`;
  if (force) {
    return { kind: 'build', parent: head.sha, forcedOver: head.sourceCommit ?? head.sha, warning: `FORCED PUBLISH: ${why}; publishing anyway because of --force` };
  }
  const hint = head.sourceIsAncestor === undefined && head.sourceCommit && shallow
    ? 'This clone is shallow: fetch the full history (actions/checkout with fetch-depth: 0, or git fetch --unshallow) and publish again.'
    : `Nothing was pushed. If a newer source commit is already published, there is nothing to do; to render ${source.slice(0, 12)} over it on purpose, publish again with --force.`;
  return { kind: 'refuse', error: new GitError(`refusing to publish: ${why}`, { commit: source, hint }) };
}
