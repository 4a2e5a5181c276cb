// What an environment may hold (Argo CD's AppProject destinations and cluster resource whitelist):
// allowed target namespaces, allowed cluster-scoped kinds, denied kinds. Set by the platform in the
// agent's own settings, never by the rendered branch; a revision with any object outside is refused whole.
import { crdScopes, formatRef, isBuiltInGroup, scopeOf } from './kinds.ts';
import type { K8sObject, ObjectRef } from './types.ts';

export interface Bounds {
  /** Globs of namespaces objects may land in; a Namespace object's own name must match one too. */
  readonly namespaces: readonly string[];
  /** Cluster-scoped kinds allowed: 'group/Kind', or 'Kind' for a kind of a built-in group. */
  readonly clusterKinds: readonly string[];
  /** Kinds refused in any scope, written as clusterKinds. */
  readonly deniedKinds: readonly string[];
}

/** Argo CD's default for a project: any namespace, and of the cluster-scoped kinds only Namespaces. */
export const DEFAULT_BOUNDS: Bounds = { namespaces: ['*'], clusterKinds: ['Namespace'], deniedKinds: [] };

export interface BoundedObject { readonly ref: ObjectRef; readonly object: K8sObject }

/** An object outside the bounds and the rule it breaks. */
export interface Violation<T extends BoundedObject = BoundedObject & { readonly file: string }> {
  readonly of: T;
  readonly rule: 'namespace-not-allowed' | 'cluster-kind-not-allowed' | 'kind-denied';
  readonly message: string;
}

/** Every object outside the bounds, with the rule it breaks (the first one, in the order denied, cluster, namespace). */
export function boundsViolations<T extends BoundedObject>(objects: readonly T[], bounds: Bounds): Violation<T>[] {
  const crds = crdScopes(objects.map((o) => o.object));
  const out: Violation<T>[] = [];
  for (const o of objects) {
    const problem = breaks(o, bounds, crds);
    if (problem) out.push({ of: o, ...problem });
  }
  return out;
}

function breaks(o: BoundedObject, bounds: Bounds, crds: ReturnType<typeof crdScopes>): Pick<Violation, 'rule' | 'message'> | undefined {
  const { ref } = o;
  const kind = ref.group ? `${ref.group}/${ref.kind}` : ref.kind;
  if (kindMatches(ref, bounds.deniedKinds)) return { rule: 'kind-denied', message: `kind ${kind} is denied in this environment` };
  // No namespace and not known to be namespaced (a cluster kind, or a custom kind without its CRD): a cluster-scoped write.
  const namespaced = ref.namespace !== '' || scopeOf(o.object.apiVersion, ref.kind, crds) === 'Namespaced';
  if (!namespaced && !kindMatches(ref, bounds.clusterKinds)) {
    return { rule: 'cluster-kind-not-allowed', message: `cluster-scoped kind ${kind} is not allowed (allowed: ${list(bounds.clusterKinds)})` };
  }
  const isNamespace = ref.group === '' && ref.kind === 'Namespace';
  // A namespaced object without a namespace lands in 'default'.
  const target = isNamespace ? ref.name : namespaced ? ref.namespace || 'default' : undefined;
  if (target !== undefined && !bounds.namespaces.some((g) => globMatches(g, target))) {
    return { rule: 'namespace-not-allowed', message: `namespace '${target}' is not allowed (allowed: ${list(bounds.namespaces)})` };
  }
  return undefined;
}

/** 'group/Kind' matches that group only; 'Kind' matches the kind in the built-in groups (never a look-alike custom kind). */
function kindMatches(ref: ObjectRef, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const slash = p.lastIndexOf('/');
    if (slash < 0) return isBuiltInGroup(ref.group) && globMatches(p, ref.kind);
    return globMatches(p.slice(0, slash), ref.group) && globMatches(p.slice(slash + 1), ref.kind);
  });
}

// Compiled once per glob: the globs come from the agent's settings, a handful, while objects may be thousands.
const compiled = new Map<string, RegExp>();

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(glob: string, value: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    compiled.set(glob, re);
  }
  return re.test(value);
}

const list = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

const SHOWN = 20;

/** The first 20 lines of a refusal, and how many more there are. */
export function shownLines(lines: readonly string[]): string {
  return [...lines.slice(0, SHOWN), ...(lines.length > SHOWN ? [`  - and ${lines.length - SHOWN} more`] : [])].join('\n');
}

/** The refusal of a revision with violations, naming each object (the first 20), or undefined when there are none. */
export function boundsRefusal(violations: readonly Violation[]): string | undefined {
  if (violations.length === 0) return undefined;
  const lines = violations.map((v) => `  - ${v.of.file}: ${formatRef(v.of.ref)}: ${v.message} [${v.rule}]`);
  return `${violations.length} object(s) outside this environment's bounds; the revision is refused and nothing was changed ` +
    `(the bounds are the agent's --allow-namespaces, --allow-cluster-kinds and --deny-kinds, its --settings ConfigMap, or environments.<env>.bounds of its --root project):\n${shownLines(lines)}`;
}

/** Parses a comma-separated flag value into a list ('' is an empty list). */
export function boundsList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
