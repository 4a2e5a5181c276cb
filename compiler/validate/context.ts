// The view of one environment that every rule reads: its config, its objects and the indexes
// built once for all rules.
import type { ResolvedConfig, ResolvedEnvironment } from '../../core/config.ts';
import { crdScopes, refKey, type CrdScopes } from '../../core/kinds.ts';
import type { Diagnostic, ObjectRef, SynthObject } from '../../core/types.ts';
import type { CustomKinds } from './crd-schemas.ts';
import { podTemplateOf, type PodTemplate } from './pod-templates.ts';

/** An object that runs pods, with its pod template. */
export interface Workload {
  readonly o: SynthObject;
  readonly template: PodTemplate;
}

export interface EnvContext {
  readonly env: ResolvedEnvironment;
  readonly objects: readonly SynthObject[];
  readonly external: ResolvedConfig['external'];
  readonly crds: CrdScopes;
  /** Objects by refKey; for a duplicate the first one (the duplicate rule reports the rest). */
  readonly byRef: ReadonlyMap<string, SynthObject>;
  /** Every object whose identity an earlier object already has, with that earlier object. */
  readonly duplicates: ReadonlyArray<{ readonly object: SynthObject; readonly first: SynthObject }>;
  readonly workloads: readonly Workload[];
  /** Custom kinds `gitops import` saved, for custom resources whose CRD is not in the set. */
  readonly importedKinds?: CustomKinds;
}

/** A rule group: a pure function from one environment to its findings. */
export type Rule = (ctx: EnvContext) => Diagnostic[];

export function envContext(env: ResolvedEnvironment, objects: readonly SynthObject[], config: ResolvedConfig, importedKinds?: CustomKinds): EnvContext {
  const byRef = new Map<string, SynthObject>();
  const duplicates: Array<{ object: SynthObject; first: SynthObject }> = [];
  const workloads: Workload[] = [];
  for (const o of objects) {
    const key = refKey(o.ref);
    const first = byRef.get(key);
    if (first) duplicates.push({ object: o, first });
    else byRef.set(key, o);
    const template = podTemplateOf(o.ref.group, o.object);
    if (template) workloads.push({ o, template });
  }
  return { env, objects, external: config.external, crds: crdScopes(objects.map((o) => o.object)), byRef, duplicates, workloads, importedKinds };
}

/** The object with this identity in the environment, if any. */
export function find(ctx: EnvContext, ref: ObjectRef): SynthObject | undefined {
  return ctx.byRef.get(refKey(ref));
}
