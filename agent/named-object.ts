// How the agent's flags and config name one of its objects (ServiceAccount, settings ConfigMap, keys Secrets):
// 'name' in the agent's namespace, as Flux reads serviceAccountName in the Kustomization's namespace, or 'namespace/name'.
import { UserInputError } from '../core/errors.ts';

export interface NamedObject { readonly namespace: string; readonly name: string }

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `value` of the flag or config `key`; a bad one throws naming the key and the `kind` it should name. */
export function parseNamedObject(value: string, defaultNamespace: string, key: string, kind: string): NamedObject {
  const parts = value.split('/');
  const [namespace, name] = parts.length === 1 ? [defaultNamespace, parts[0]!] : parts;
  if (parts.length > 2 || !namespace || !name || !LABEL.test(namespace) || namespace.length > 63 || !SUBDOMAIN.test(name) || name.length > 253) {
    throw new UserInputError(`${key}: ${JSON.stringify(value)} is not a ${kind}`, {
      hint: `Give the ${kind}'s 'name' (in the agent's namespace, ${defaultNamespace}) or 'namespace/name', lower-case DNS names, e.g. ${defaultNamespace}/agent-${kind.toLowerCase()}.`,
    });
  }
  return { namespace, name };
}
