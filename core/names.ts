// The API server's rules for object names, shared by the compiler's checks (compiler/validate/names.ts)
// and the agent's refusal of names that would make another URL (agent/ref-names.ts).

interface NameRule {
  readonly test: (name: string) => boolean;
  readonly says: string;
}

const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS-1123 subdomain (API groups, most object names). */
export const isSubdomain = (s: string) => s.length <= 253 && SUBDOMAIN_RE.test(s);

export const SUBDOMAIN: NameRule = {
  test: isSubdomain,
  says: "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
};
const DNS_1123_LABEL: NameRule = {
  test: (s) => s.length <= 63 && LABEL_1123.test(s),
  says: "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
};
/** A DNS-1035 label (Service names, API versions). */
export const isDns1035Label = (s: string) => s.length <= 63 && LABEL_1035.test(s);
const DNS_1035_LABEL: NameRule = {
  test: isDns1035Label,
  says: "a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
};
// RBAC names only need to be usable as a URL path segment ('system:aggregate-to-view' is fine).
const PATH_SEGMENT: NameRule = {
  test: (s) => s !== '.' && s !== '..' && !/[/%]/.test(s),
  says: "usable as a URL path segment: not '.' or '..', without '/' or '%'",
};
// Jobs created by a CronJob append 11 characters, and a Job name must stay within 63.
const CRONJOB_NAME: NameRule = {
  test: (s) => s.length <= 52 && isSubdomain(s),
  says: `${SUBDOMAIN.says.replace(', at most 253 characters', '')}, at most 52 characters (its Jobs append 11)`,
};

const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/Namespace': DNS_1123_LABEL,
  '/Service': DNS_1035_LABEL,
  'batch/CronJob': CRONJOB_NAME,
  'rbac.authorization.k8s.io/Role': PATH_SEGMENT,
  'rbac.authorization.k8s.io/ClusterRole': PATH_SEGMENT,
  'rbac.authorization.k8s.io/RoleBinding': PATH_SEGMENT,
  'rbac.authorization.k8s.io/ClusterRoleBinding': PATH_SEGMENT,
};

/** Why the API server would refuse `name` for an object of this group and kind ('it must be ...'), or undefined. */
export function nameProblem(group: string, kind: string, name: string): string | undefined {
  const rule = NAME_RULES[`${group}/${kind}`] ?? SUBDOMAIN;
  return rule.test(name) ? undefined : `it must be ${rule.says}`;
}
