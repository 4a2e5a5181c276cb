// Checks the parts of an ObjectRef that become URL path segments before any request is made:
// the API group and version, the namespace and the name, by the API server's rule for each kind
// (core/names.ts). A name like '..' must never reach a URL, where it would name another object.
import { isDns1035Label, isSubdomain, nameProblem } from '../core/names.ts';
import { versionOf } from '../core/kinds.ts';
import type { ObjectRef } from './types.ts';

const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with the ref of an object of this apiVersion, or undefined when every part is valid. */
export function refProblem(ref: ObjectRef, apiVersion: string): string | undefined {
  if ((ref.group !== '' && !isSubdomain(ref.group)) || !isDns1035Label(versionOf(apiVersion))) {
    return `apiVersion ${JSON.stringify(apiVersion)} is not an API group and version (like 'v1' or 'apps/v1')`;
  }
  if (typeof ref.namespace !== 'string') return 'metadata.namespace must be a string';
  const name = CONTROL.test(ref.name) ? 'it must not contain control characters' : nameProblem(ref.group, ref.kind, ref.name);
  if (name) return `metadata.name ${JSON.stringify(ref.name)} is invalid for a ${ref.kind}: ${name}`;
  const namespace = ref.namespace === '' ? undefined : nameProblem('', 'Namespace', ref.namespace);
  if (namespace) return `metadata.namespace ${JSON.stringify(ref.namespace)} is invalid: ${namespace}`;
  return undefined;
}
