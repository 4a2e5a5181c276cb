// The agent's least-privilege RBAC, derived from what its environment holds: per kind and scope the
// verbs the agent calls (apply = create + patch, prune = delete, drift and health = get, list, watch),
// a Role per namespace and a ClusterRole only for cluster-scoped kinds, plus its own Lease, inventory,
// status and Events and read-only discovery. Cluster-scoped objects (and the agent's own) are written
// only by name. Pure: objects in, rules out.
import { isBuiltInGroup } from '../core/kinds.ts';
import type { RenderedKind } from './define-app.ts';

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

/** An object of the agent's own (its Namespace, ServiceAccount, RBAC, Deployment…). */
export interface OwnObject {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string; // '' when cluster-scoped
  readonly name: string;
}

export interface AgentRbacInput {
  /** Environment name (the Lease is `typed-gitops-<env>`, as agent/leadership.ts names it). */
  readonly env: string;
  /** The agent's namespace: its Lease, inventory and status ConfigMaps and Events. */
  readonly namespace: string;
  /** What the environment's other apps render. */
  readonly kinds: readonly RenderedKind[];
  /** The agent's own objects: written only by name, so it can keep itself but create no others of their kinds. */
  readonly own: readonly OwnObject[];
  /** 'namespace/name' of the ServiceAccount that writes the environment's objects; the agent then only reads them. */
  readonly impersonate?: string;
  /** Secrets in its namespace it reads by name (verification and platform keys, its age identities). */
  readonly secrets?: readonly string[];
  /** 'cluster' reads (lists, watches) namespaced kinds across all namespaces. */
  readonly readScope: 'namespaces' | 'cluster';
  /** Plurals of custom kinds without a CRD in the environment, keyed 'group/Kind'. */
  readonly plurals?: Readonly<Record<string, string>>;
}

export interface AgentRules {
  /** Rules of the ClusterRole: cluster-scoped kinds and discovery. */
  readonly cluster: readonly PolicyRule[];
  /** Rules of one Role per namespace, sorted by namespace. */
  readonly namespaces: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Kinds whose resource name cannot be computed (custom kinds without a CRD in the set or a plural given). */
  readonly unknownPlurals: readonly string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'patch', 'delete'];
const BY_NAME = ['get', 'create', 'patch', 'delete'];
const DISCOVERY: PolicyRule = { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] };
const CLUSTER = '';

/** One permission before merging: a resource in a scope with verbs, optionally limited to names. */
interface Grant {
  readonly scope: string; // namespace, or CLUSTER
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  readonly names?: readonly string[];
}

export function agentRules(input: AgentRbacInput): AgentRules {
  const unknown = new Set<string>();
  const resourceOf = (group: string, kind: string, plural?: string): string => {
    const name = plural ?? input.plurals?.[`${group}/${kind}`] ?? builtInPlural(group, kind);
    if (!name) unknown.add(`${group}/${kind}`);
    return name ?? '';
  };
  const grants: Grant[] = [...environmentGrants(input, resourceOf), ...ownGrants(input, resourceOf), ...agentStateGrants(input)];
  const merged = mergeGrants(grants);
  const namespaces = new Map([...merged].filter(([scope]) => scope !== CLUSTER).sort(([a], [b]) => compare(a, b)));
  return { cluster: [...(merged.get(CLUSTER) ?? []), DISCOVERY], namespaces, unknownPlurals: [...unknown].sort() };
}

function environmentGrants(input: AgentRbacInput, resourceOf: (group: string, kind: string, plural?: string) => string): Grant[] {
  return input.kinds.flatMap((k) => {
    const resource = resourceOf(k.group, k.kind, k.plural);
    const reads = input.readScope === 'cluster' ? CLUSTER : k.namespace;
    // Cluster-scoped objects by name: an environment holding Namespaces may not delete kube-system.
    const names = k.namespace === CLUSTER ? k.names : undefined;
    const grants: Grant[] = [{ scope: reads, group: k.group, resource, verbs: names ? ['list', 'watch'] : READ }];
    if (names) grants.push({ scope: CLUSTER, group: k.group, resource, verbs: input.impersonate ? ['get'] : BY_NAME, names });
    else if (!input.impersonate) grants.push({ scope: k.namespace, group: k.group, resource, verbs: WRITE });
    return grants;
  });
}

/** Its own objects by name; list and watch of their kinds, which the agent's observers need. */
function ownGrants(input: AgentRbacInput, resourceOf: (group: string, kind: string) => string): Grant[] {
  return input.own.flatMap((o) => {
    const resource = resourceOf(o.group, o.kind);
    return [
      { scope: o.namespace, group: o.group, resource, verbs: BY_NAME, names: [o.name] },
      { scope: input.readScope === 'cluster' ? CLUSTER : o.namespace, group: o.group, resource, verbs: ['list', 'watch'] },
    ];
  });
}

/** Lease (leader election), inventory and status ConfigMaps (sharded: names not known ahead), Events; and the impersonation. */
function agentStateGrants(input: AgentRbacInput): Grant[] {
  const ns = input.namespace;
  const grants: Grant[] = [
    { scope: ns, group: '', resource: 'configmaps', verbs: ['get', 'list', 'create', 'patch', 'delete'] },
    { scope: ns, group: '', resource: 'events', verbs: ['create', 'patch'] },
    { scope: ns, group: 'coordination.k8s.io', resource: 'leases', verbs: ['create'] },
    { scope: ns, group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'update'], names: [`typed-gitops-${input.env}`] },
  ];
  if (input.secrets?.length) grants.push({ scope: ns, group: '', resource: 'secrets', verbs: ['get'], names: [...input.secrets] });
  if (input.impersonate) {
    const [saNamespace, name] = input.impersonate.split('/');
    grants.push({ scope: saNamespace, group: '', resource: 'serviceaccounts', verbs: ['impersonate'], names: [name] });
  }
  return grants;
}

/**
 * One rule per API group, verbs and names, listing its resources. A resource's by-name grants drop
 * the verbs it already has without names. Verbs, names and resources sorted, no duplicates.
 */
function mergeGrants(grants: readonly Grant[]): Map<string, PolicyRule[]> {
  const resourceKey = (g: Grant) => JSON.stringify([g.scope, g.group, g.resource]);
  const open = new Map<string, Merged>();
  for (const g of grants) if (!g.names) merge(open, resourceKey(g), g, g.verbs, []);
  const named = new Map<string, Merged>();
  for (const g of grants) {
    const verbs = g.names ? g.verbs.filter((v) => !open.get(resourceKey(g))?.verbs.has(v)).sort() : [];
    if (verbs.length > 0) merge(named, resourceKey(g) + JSON.stringify(verbs), g, verbs, g.names!);
  }
  const rules = new Map<string, Map<string, { group: string; resources: Set<string>; verbs: string[]; names: string[] }>>();
  for (const { grant, verbs, names } of [...open.values(), ...named.values()]) {
    const sorted = { verbs: [...verbs].sort(), names: [...names].sort() };
    const scope = rules.get(grant.scope) ?? new Map();
    const key = JSON.stringify([grant.group, sorted.verbs, sorted.names]);
    const rule = scope.get(key) ?? { group: grant.group, resources: new Set<string>(), ...sorted };
    rule.resources.add(grant.resource);
    rules.set(grant.scope, scope.set(key, rule));
  }
  return new Map([...rules].map(([scope, byKey]) => [scope, [...byKey.keys()].sort().map((k) => toRule(byKey.get(k)!))]));
}

interface Merged {
  readonly grant: Grant;
  readonly verbs: Set<string>;
  readonly names: Set<string>;
}

function merge(map: Map<string, Merged>, key: string, grant: Grant, verbs: readonly string[], names: readonly string[]): void {
  const entry = map.get(key) ?? { grant, verbs: new Set<string>(), names: new Set<string>() };
  for (const v of verbs) entry.verbs.add(v);
  for (const n of names) entry.names.add(n);
  map.set(key, entry);
}

function toRule(r: { group: string; resources: Set<string>; verbs: string[]; names: string[] }): PolicyRule {
  return {
    apiGroups: [r.group],
    resources: [...r.resources].sort(),
    ...(r.names.length > 0 ? { resourceNames: r.names } : {}),
    verbs: r.verbs,
  };
}

// Built-in kinds whose resource name is not the regular plural of the kind.
const IRREGULAR: Readonly<Record<string, string>> = { '/Endpoints': 'endpoints' };

/** The resource name of a built-in kind (the API server's own rule: -s, -es after s, -ies for y); undefined for custom kinds. */
export function builtInPlural(group: string, kind: string): string | undefined {
  if (IRREGULAR[`${group}/${kind}`]) return IRREGULAR[`${group}/${kind}`];
  if (!isBuiltInGroup(group)) return undefined;
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
