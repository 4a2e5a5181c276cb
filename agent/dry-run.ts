// The server dry run of every object to apply, before anything is written, and what a rejection means for
// the rest of the set. Objects that can only be checked once an earlier stage exists (in a namespace or of a
// kind the same revision creates, or refused for rights the agent's own RBAC of this revision grants) are let through.
import type { LimitFunction } from 'p-limit';
import { KubeClient, refusalOf } from './kube.ts';
import { isOwnRbacStage } from './order.ts';
import type { ApplyStep } from './plan.ts';
import type { Change, DesiredObject, DesiredSet } from './types.ts';

export interface Rejection {
  readonly step: ApplyStep;
  /** The server's reason, after the object's file. */
  readonly reason: string;
}

/** Who writes a step: the agent's own identity for its own objects, else the environment's writer (reconcile.ts). */
export type WriterOf = (step: ApplyStep) => KubeClient;

export async function dryRun(writerOf: WriterOf, desired: DesiredSet, steps: readonly ApplyStep[], options: { force: boolean; limit: LimitFunction }): Promise<Rejection[]> {
  const deferred = deferredCheck(desired, steps, writerOf);
  const results = await Promise.all(steps.map((s) => options.limit(async (): Promise<Rejection | undefined> => {
    try {
      await writerOf(s).apply(s.desired.object, { dryRun: true, force: options.force });
      return undefined;
    } catch (error) {
      if (deferred(s, error)) return undefined;
      return { step: s, reason: `${s.desired.file}: ${refusalOf(error)?.message ?? (error as Error).message}` };
    }
  })));
  return results.filter((r): r is Rejection => r !== undefined);
}

/**
 * What rejections mean for the rest of the set. An object the commit did not change since it was last
 * applied is rejected for its live state (drift someone made), not for what reviewers approved: it alone is
 * held back (`blocked`) and the rest goes on. Any rejection of the commit's own content stops the whole sync.
 */
export function judge(rejections: readonly Rejection[]): { readonly stop: boolean; readonly changes: Change[] } {
  const stop = rejections.some((r) => !r.step.drift);
  return {
    stop,
    changes: rejections.map(({ step, reason }) => ({
      ref: step.desired.ref,
      action: 'failed',
      reason: stop || !step.drift ? reason : `blocked by its live state: ${reason}. Git has not changed it since it was last applied, ` +
        'so the rest of the revision was applied without it; repair the object in the cluster, or delete it and the agent re-creates it from git',
    })),
  };
}

/**
 * Whether a dry-run failure only says that the object's namespace or kind is created in this revision, or that the
 * agent lacks a right its own RBAC, applied in a stage before (order.ts), may grant (to the agent: not to the
 * environment's ServiceAccount).
 */
function deferredCheck(desired: DesiredSet, steps: readonly ApplyStep[], writerOf: WriterOf): (step: ApplyStep, error: unknown) => boolean {
  const ownRbac = steps.find((s) => isOwnRbacStage(s.stage));
  const newNamespaces = new Set(steps.filter((s) => s.desired.ref.kind === 'Namespace').map((s) => s.desired.ref.name));
  const newKinds = kindsDefinedBy(desired.objects);
  return (step, error) => {
    const refusal = refusalOf(error);
    const { ref } = step.desired;
    return (refusal?.status === 404 && newNamespaces.has(ref.namespace)) ||
      (refusal?.status === 403 && ownRbac !== undefined && !isOwnRbacStage(step.stage) && writerOf(step) === writerOf(ownRbac)) ||
      (newKinds.has(`${ref.group}/${ref.kind}`) && (refusal === undefined || refusal.status === 404 || refusal.reason === 'Unreachable'));
  };
}

/** The kinds ('group/Kind') that the CRDs among `objects` define. */
export function kindsDefinedBy(objects: readonly DesiredObject[]): Set<string> {
  return new Set(objects.filter((d) => d.ref.kind === 'CustomResourceDefinition').map((d) => {
    const spec = d.object.spec as { group?: string; names?: { kind?: string } };
    return `${spec.group}/${spec.names?.kind}`;
  }));
}
