// The platform's settings of an environment: a ConfigMap the bootstrap creates in the agent's namespace
// (--settings, agent.settings), read with the agent's own identity at each reconcile, never from the
// rendered branch it guards. Its data holds the bounds as comma lists: `namespaces`, `clusterKinds`,
// `deniedKinds`. Missing, unreadable or invalid: the reconcile fails closed, naming the ConfigMap and key.
import { ClusterError, formatError } from '../core/errors.ts';
import { boundsList, type Bounds } from '../core/bounds.ts';
import type { KubeClient } from './kube.ts';
import type { NamedObject } from './named-object.ts';
import type { K8sObject } from './types.ts';

const PATTERNS: Readonly<Record<keyof Bounds, { readonly re: RegExp; readonly example: string }>> = {
  namespaces: { re: /^[a-z0-9*][-a-z0-9*]*$/, example: "'team-a-*,shop'" },
  clusterKinds: { re: /^([-a-z0-9.*]+\/)?[A-Za-z0-9*]+$/, example: "'Namespace,rbac.authorization.k8s.io/ClusterRole'" },
  deniedKinds: { re: /^([-a-z0-9.*]+\/)?[A-Za-z0-9*]+$/, example: "'Secret,networking.k8s.io/Ingress'" },
};
const KEYS = Object.keys(PATTERNS) as (keyof Bounds)[];

/** The bounds a settings ConfigMap's data sets (a key left out is left to the next source); throws naming the key. */
export function settingsBounds(data: Readonly<Record<string, string>> | undefined, where: string): Partial<Bounds> {
  const problems: string[] = [];
  const out: Partial<Record<keyof Bounds, string[]>> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!(KEYS as string[]).includes(key)) { problems.push(`key '${key}' is not a setting (expected: ${KEYS.join(', ')})`); continue; }
    const { re, example } = PATTERNS[key as keyof Bounds];
    const entries = boundsList(value);
    const bad = entries.filter((e) => !re.test(e));
    if (bad.length) problems.push(`key '${key}': ${bad.map((b) => JSON.stringify(b)).join(', ')} is not a ${key === 'namespaces' ? 'namespace glob' : "kind ('Kind' or 'group/Kind', * as a wildcard)"}; write a comma list, e.g. ${example}`);
    out[key as keyof Bounds] = entries;
  }
  if (problems.length) throw settingsError(where, `is not valid:\n  - ${problems.join('\n  - ')}`, 'Fix the keys named above; nothing is applied until then.');
  return out;
}

/** The bounds of the settings ConfigMap, read now (one GET) with the agent's own identity. */
export async function readSettings(kube: KubeClient, at: NamedObject): Promise<Partial<Bounds>> {
  const where = `the agent's settings ConfigMap ${at.namespace}/${at.name}`;
  const configMap = await readOwnObject(kube, 'ConfigMap', at, where, {
    message: 'does not exist',
    hint: `Create it (e.g. kubectl -n ${at.namespace} create configmap ${at.name} --from-literal=namespaces='team-a-*'), or run the agent without --settings (agent.settings).`,
  });
  return settingsBounds(configMap.data as Record<string, string> | undefined, where);
}

/** One of the agent's own ConfigMaps or Secrets, read with its own identity; unreadable or `missing`, it fails closed naming `where`. */
export async function readOwnObject(kube: KubeClient, kind: 'ConfigMap' | 'Secret', at: NamedObject, where: string, missing: { readonly message: string; readonly hint: string }): Promise<K8sObject> {
  const live = await kube.read('v1', kind, at.namespace, at.name).catch((error: unknown) => {
    throw settingsError(where, `cannot be read: ${formatError(error)}`, `Let the agent's own identity get ${kind}s in ${at.namespace} (this one only, by resourceNames).`);
  });
  if (!live) throw settingsError(where, missing.message, missing.hint);
  return live;
}

/** Each list from the first source that sets it: the flags, then the settings ConfigMap, then --root's config (or the defaults). */
export function layeredBounds(flags: Partial<Bounds>, settings: Partial<Bounds>, configured: Bounds): Bounds {
  const pick = <K extends keyof Bounds>(k: K) => flags[k] ?? settings[k] ?? configured[k];
  return { namespaces: pick('namespaces'), clusterKinds: pick('clusterKinds'), deniedKinds: pick('deniedKinds') };
}

// Not a UserInputError: no commit is at fault, so the agent keeps retrying the same head (with backoff) until the platform fixes it.
export function settingsError(where: string, message: string, hint: string): ClusterError {
  return new ClusterError(`${where} ${message}; nothing is applied until it is fixed`, { hint });
}
