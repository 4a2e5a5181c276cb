// What an environment's apps render, by kind and namespace: given to an app built after the others (env.rendered). Pure.
import type { RenderedKind } from '../lib/define-app.ts';
import type { SynthObject } from '../core/types.ts';
import { versionOf } from '../core/kinds.ts';

/** The kinds per namespace that `objects` hold, sorted, with the plural of each kind a CRD among them defines and the names of cluster-scoped objects. */
export function renderedKinds(objects: readonly SynthObject[]): RenderedKind[] {
  const plurals = new Map<string, string>();
  for (const { object } of objects) {
    const spec = object.kind === 'CustomResourceDefinition' ? object.spec as { group?: unknown; names?: { kind?: unknown; plural?: unknown } } : undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string' && typeof spec.names.plural === 'string') plurals.set(`${spec.group}/${spec.names.kind}`, spec.names.plural);
  }
  const kinds = new Map<string, RenderedKind & { names: string[] }>();
  for (const { ref, object } of objects) {
    const plural = plurals.get(`${ref.group}/${ref.kind}`);
    const kind = { group: ref.group, version: versionOf(object.apiVersion), kind: ref.kind, namespace: ref.namespace, ...(plural ? { plural } : {}) };
    const key = JSON.stringify(kind);
    const entry = kinds.get(key) ?? { ...kind, names: [] };
    if (!ref.namespace) entry.names.push(ref.name);
    kinds.set(key, entry);
  }
  return [...kinds.keys()].sort().map((key) => {
    const { names, ...kind } = kinds.get(key)!;
    return names.length > 0 ? { ...kind, names: names.sort() } : kind;
  });
}
