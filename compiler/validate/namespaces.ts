// Rule 'missing-namespace': namespaced objects must land in a namespace that this environment
// creates (a Namespace object) or that gitops.config.ts declares external.
import { scopeOf } from '../../core/kinds.ts';
import type { Diagnostic } from '../../core/types.ts';
import type { EnvContext } from './context.ts';
import { diagnose } from './diagnostic.ts';

// Every cluster has these; nobody declares them.
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function checkNamespaces(ctx: EnvContext): Diagnostic[] {
  const present = new Set([...SYSTEM_NAMESPACES, ...ctx.external.namespaces]);
  for (const o of ctx.objects) if (o.ref.group === '' && o.ref.kind === 'Namespace') present.add(o.ref.name);

  const out: Diagnostic[] = [];
  for (const o of ctx.objects) {
    if (typeof o.object.apiVersion !== 'string') continue; // the schema rule reports it
    const scope = scopeOf(o.object.apiVersion, o.object.kind, ctx.crds);
    const namespace = o.ref.namespace;
    if (scope === 'Cluster' || present.has(namespace)) continue;
    if (namespace === '') {
      // A custom kind without its CRD may be cluster-scoped; the schema rule already flags it.
      if (scope === undefined) continue;
      out.push(diagnose(o, {
        rule: 'missing-namespace',
        message: `${o.ref.kind} is namespaced but has no metadata.namespace`,
        hint: 'Set the namespace (on the object or its Chart) so it does not land in whatever namespace the agent defaults to.',
      }));
      continue;
    }
    out.push(diagnose(o, {
      rule: 'missing-namespace',
      message: `namespace '${namespace}' is neither a Namespace in environment ${ctx.env.name} nor declared external`,
      hint: `Add a Namespace '${namespace}' to an app of this environment, or declare it in external.namespaces in gitops.config.ts.`,
    }));
  }
  return out;
}
