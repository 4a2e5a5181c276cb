// What a refusal for lack of rights (HTTP 403) means for the person who runs the agent: the request in
// `kubectl auth can-i` terms, and the RBAC rule that would allow it, in a Role of that namespace or,
// at the cluster scope, a ClusterRole.

/** One request as RBAC judges it. */
export interface Access {
  readonly verb: string;
  /** API group ('' for the core group). */
  readonly group: string;
  /** The resource (plural), e.g. 'configmaps'. */
  readonly resource: string;
  /** The namespace asked about; undefined: the cluster scope (a cluster-scoped kind, or every namespace at once). */
  readonly namespace?: string;
  /** For the cluster scope: the resource is namespaced, so the request covered every namespace. */
  readonly allNamespaces?: boolean;
}

/** The verb the server says it refused ("User … cannot create resource …"), when its message says one. */
export function refusedVerb(message: string): string | undefined {
  return /\bcannot (\w+) resource "/.exec(message)?.[1];
}

/** '`kubectl auth can-i patch configmaps -n team-a` is no: add … to a Role in team-a (bound to that user)'. */
export function missingPermission(access: Access): string {
  const resource = access.group ? `${access.resource}.${access.group}` : access.resource;
  const where = access.namespace !== undefined ? ` -n ${access.namespace}` : access.allNamespaces ? ' -A' : '';
  // A list the agent watches afterwards needs both verbs; asking for one at a time would take two rounds.
  const verbs = access.verb === 'list' || access.verb === 'watch' ? ['list', 'watch'] : [access.verb];
  const rule = `{apiGroups: [${JSON.stringify(access.group)}], resources: [${JSON.stringify(access.resource)}], verbs: [${verbs.map((v) => JSON.stringify(v)).join(', ')}]}`;
  const holder = access.namespace !== undefined
    ? `a Role in namespace ${access.namespace} with a RoleBinding`
    : `a ClusterRole with a ClusterRoleBinding${access.allNamespaces ? ' (or a Role in each namespace: the agent then lists and watches per namespace)' : ''}`;
  return `missing permission: \`kubectl auth can-i ${access.verb} ${resource}${where}\` is no; add the rule ${rule} to ${holder} for that user`;
}

/** The request a reason says is missing ('`kubectl auth can-i patch configmaps -n shop` is no'), for a line too short for the rest. */
export function permissionIn(reason: string): string | undefined {
  return /`kubectl auth can-i [^`]+` is no/.exec(reason)?.[0];
}
