// An app's synthesized objects as plain data, with each object's YAML and per-object findings:
// the shape the synth cache stores and synth workers send back. Restoring primes render and
// validation, so neither runs again for these objects in this thread.
import type { ResolvedEnvironment } from '../core/config.ts';
import type { Diagnostic, K8sObject, ObjectRef, SynthObject, SynthResult } from '../core/types.ts';
import { primeRendered } from './render.ts';
import { objectFindings, primeObjectFindings } from './validate/object-rules.ts';

export interface CachedObject {
  readonly ref: ObjectRef;
  readonly object: K8sObject;
  readonly constructPath: string;
  readonly sourceFile: string; // the app's file, or the included file#index the object came from
  readonly yaml?: { readonly text: string; readonly sha256: string };
  readonly findings?: readonly Diagnostic[]; // of the per-object validation rules, under the env's rulesKey
}

/** The object as plain data, with its YAML (when known) and its per-object findings in `env` under `rulesKey`. */
export function cachedObject(o: SynthObject, yaml: CachedObject['yaml'], env: ResolvedEnvironment, rulesKey: string): CachedObject {
  return { ref: o.ref, object: o.object, constructPath: o.constructPath, sourceFile: o.sourceFile, yaml, findings: objectFindings(o, env, rulesKey) };
}

/** SynthObjects of `owner` (app, env) from plain data; findings are primed only when kept under `rulesKey`. */
export function restoreObjects(objects: readonly CachedObject[], owner: Pick<SynthResult, 'app' | 'env'>, rulesKey: string | undefined): SynthObject[] {
  return objects.map((c) => {
    const o: SynthObject = { ref: c.ref, object: c.object, constructPath: c.constructPath, app: owner.app, env: owner.env, sourceFile: c.sourceFile };
    if (c.yaml !== undefined) primeRendered(o, c.yaml.text, c.yaml.sha256);
    if (c.findings !== undefined && rulesKey !== undefined) primeObjectFindings(o, rulesKey, c.findings);
    return o;
  });
}
