// One app's synth as a job of plain data in and plain data out, so it runs the same in the main
// thread and in a synth worker: load the bundle, run build() for each environment still needed,
// and render each object's YAML and per-object findings (a large part of the CPU) alongside.
import type { RenderedKind } from '../lib/define-app.ts';
import type { Bundle } from '../core/bundle.ts';
import type { ResolvedEnvironment } from '../core/config.ts';
import type { AppEntry, Diagnostic, SynthResult } from '../core/types.ts';
import { cachedObject, restoreObjects, type CachedObject } from './cached-objects.ts';
import { objectYaml } from './render.ts';
import { objectRulesKey } from './validate/object-rules.ts';

export interface SynthJob {
  readonly root: string;
  readonly entry: AppEntry;
  readonly bundle: Bundle;
  /** The environments of this run; the app renders for those its definition names. */
  readonly envs: readonly ResolvedEnvironment[];
  /** Environments whose results the caller has already (from the synth cache): not built. */
  readonly known: readonly string[];
  /** For an app built after the others: what they render, per environment. */
  readonly rendered?: Readonly<Record<string, readonly RenderedKind[]>>;
}

/** A SynthResult as plain data: its objects with their YAML and findings. */
export type SentResult = Omit<SynthResult, 'objects'> & { readonly objects: readonly CachedObject[] };

export type SynthJobOutcome =
  | { readonly kind: 'failed'; readonly diagnostic: Diagnostic }
  | { readonly kind: 'after-others' } // it builds after the others and was not given what they render
  | { readonly kind: 'built'; readonly environments?: readonly string[]; readonly fresh: readonly SentResult[] };

export async function runSynthJob(job: SynthJob): Promise<SynthJobOutcome> {
  // Loaded with the first app that must run: cdk8s (and what build() needs) is no part of a run the caches serve.
  const { loadAppDefinition, synthApp } = await import('./synth.ts');
  const definition = await loadAppDefinition(job.root, job.entry, job.bundle);
  if (!('build' in definition)) return { kind: 'failed', diagnostic: definition };
  if (definition.buildAfterOthers && !job.rendered) return { kind: 'after-others' };
  const fresh = renderedEnvironments(definition.environments, job.envs).filter((env) => !job.known.includes(env.name)).map((env) => {
    const result = synthApp(job.root, job.entry, definition, env, job.rendered?.[env.name]);
    const rulesKey = objectRulesKey(env);
    return { ...result, objects: result.objects.map((o) => cachedObject(o, objectYaml(o), env, rulesKey)) };
  });
  return { kind: 'built', environments: definition.environments, fresh };
}

/** The results of a job, as SynthObjects primed with their YAML and findings. */
export function receivedResults(fresh: readonly SentResult[], envs: readonly ResolvedEnvironment[]): SynthResult[] {
  return fresh.map((r) => ({ ...r, objects: restoreObjects(r.objects, r, objectRulesKey(envs.find((e) => e.name === r.env)!)) }));
}

/** The environments an app renders for among those of the run (its own list, else all of them). */
export function renderedEnvironments(names: readonly string[] | undefined, envs: readonly ResolvedEnvironment[]): ResolvedEnvironment[] {
  return names ? envs.filter((e) => names.includes(e.name)) : [...envs];
}
