// The view of one environment that every rule reads: its config, its objects and the indexes
// built once for all rules.
import type { ResolvedConfig, ResolvedEnvironment } from '../config.ts';
import { crdScopes, refKey, type CrdScopes } from '../kinds.ts';
import type { Diagnostic, ObjectRef, SynthObject } from '../types.ts';

export interface EnvContext {
  readonly env: ResolvedEnvironment;
  readonly objects: readonly SynthObject[];
  readonly external: ResolvedConfig['external'];
  readonly crds: CrdScopes;
  /** Objects by refKey; for a duplicate the first one (the duplicate rule reports the rest). */
  readonly byRef: ReadonlyMap<string, SynthObject>;
}

/** A rule group: a pure function from one environment to its findings. */
export type Rule = (ctx: EnvContext) => Diagnostic[];

export function envContext(env: ResolvedEnvironment, objects: readonly SynthObject[], config: ResolvedConfig): EnvContext {
  const byRef = new Map<string, SynthObject>();
  for (const o of objects) {
    const key = refKey(o.ref);
    if (!byRef.has(key)) byRef.set(key, o);
  }
  return { env, objects, external: config.external, crds: crdScopes(objects.map((o) => o.object)), byRef };
}

/** The object with this identity in the environment, if any. */
export function find(ctx: EnvContext, ref: ObjectRef): SynthObject | undefined {
  return ctx.byRef.get(refKey(ref));
}
