// The server dry run of every object to apply, before anything is written. Objects that can only be
// checked once stage 0 exists (in a namespace or of a kind the same revision creates) are let through.
import type { LimitFunction } from 'p-limit';
import { KubeClient, refusalOf } from './kube.ts';
import type { ApplyStep } from './plan.ts';
import type { Change, DesiredSet } from './types.ts';

export async function dryRun(kube: KubeClient, desired: DesiredSet, steps: readonly ApplyStep[], options: { force: boolean; limit: LimitFunction }): Promise<Change[]> {
  const deferred = deferredCheck(desired, steps);
  const results = await Promise.all(steps.map((s) => options.limit(async (): Promise<Change | undefined> => {
    try {
      await kube.apply(s.desired.object, { dryRun: true, force: options.force });
      return undefined;
    } catch (error) {
      if (deferred(s, error)) return undefined;
      return { ref: s.desired.ref, action: 'failed', reason: `${s.desired.file}: ${refusalOf(error)?.message ?? (error as Error).message}` };
    }
  })));
  return results.filter((c): c is Change => c !== undefined);
}

/** Whether a dry-run failure only says that the object's namespace or kind is created in this revision. */
function deferredCheck(desired: DesiredSet, steps: readonly ApplyStep[]): (step: ApplyStep, error: unknown) => boolean {
  const newNamespaces = new Set(steps.filter((s) => s.desired.ref.kind === 'Namespace').map((s) => s.desired.ref.name));
  const newKinds = new Set(desired.objects.filter((d) => d.ref.kind === 'CustomResourceDefinition').map((d) => {
    const spec = d.object.spec as { group?: string; names?: { kind?: string } };
    return `${spec.group}/${spec.names?.kind}`;
  }));
  return (step, error) => {
    const refusal = refusalOf(error);
    const { ref } = step.desired;
    return (refusal?.status === 404 && newNamespaces.has(ref.namespace)) ||
      (newKinds.has(`${ref.group}/${ref.kind}`) && (refusal === undefined || refusal.status === 404 || refusal.reason === 'Unreachable'));
  };
}
