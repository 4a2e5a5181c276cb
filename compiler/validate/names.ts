// Rules 'invalid-name', 'invalid-label', 'invalid-annotation': the API server's rules for object
// names, label keys and values, and annotation keys, checked before anything reaches a cluster.
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { diagnose } from './diagnostic.ts';
import { fieldPath, record, str } from './json.ts';
import type { PodTemplate } from './pod-templates.ts';
import { isSubdomain, nameProblem, QUALIFIED_NAME, SUBDOMAIN } from '../../core/names.ts';

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** The object's name, and the labels and annotations of the object and its pod template. */
export function checkNames(o: SynthObject, template: PodTemplate | undefined): Diagnostic[] {
  const out = [...checkName(o), ...checkMetadata(o, 'metadata', o.object.metadata)];
  // A Pod's template is the Pod itself, whose metadata is checked already.
  if (template?.path) out.push(...checkMetadata(o, `${template.path}.metadata`, template.metadata));
  return out;
}

function checkName(o: SynthObject): Diagnostic[] {
  const name = record(o.object.metadata)?.name;
  if (typeof name !== 'string' || name === '') {
    return [diagnose(o, { rule: 'invalid-name', message: 'metadata.name is missing', hint: 'Give the object a name; generateName does not work with apply.' })];
  }
  const problem = nameProblem(o.ref.group, o.ref.kind, name);
  if (problem) {
    return [diagnose(o, {
      rule: 'invalid-name',
      message: `metadata.name '${name}' is invalid for a ${o.ref.kind}: ${problem}`,
      hint: `Rename it, e.g. '${suggestName(name)}'.`,
    })];
  }
  return o.ref.kind === 'CustomResourceDefinition' ? checkCrdName(o, name) : [];
}

function checkCrdName(o: SynthObject, name: string): Diagnostic[] {
  const spec = record(o.object.spec);
  const expected = `${str(record(spec?.names)?.plural)}.${str(spec?.group)}`;
  if (name === expected) return [];
  return [diagnose(o, {
    rule: 'invalid-name',
    message: `metadata.name '${name}' of a CustomResourceDefinition must be '<spec.names.plural>.<spec.group>' ('${expected}')`,
    hint: `Rename it to '${expected}'.`,
  })];
}

function checkMetadata(o: SynthObject, path: string, metadata: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const labels = record(record(metadata)?.labels) ?? {};
  for (const [key, value] of Object.entries(labels)) {
    const at = () => fieldPath(`${path}.labels`, key);
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) out.push(diagnose(o, { rule: 'invalid-label', message: `${at()}: invalid label key '${key}': ${keyProblem}`, hint: 'Use a key like \'app.kubernetes.io/name\' or \'tier\'.' }));
    if (typeof value === 'string' && !isLabelValue(value)) {
      out.push(diagnose(o, {
        rule: 'invalid-label',
        message: `${at()}: invalid label value '${value}': it must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
        hint: 'Shorten or clean the value; put free text in an annotation instead.',
      }));
    }
  }
  const annotations = record(record(metadata)?.annotations) ?? {};
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) {
      out.push(diagnose(o, { rule: 'invalid-annotation', message: `${fieldPath(`${path}.annotations`, key)}: invalid annotation key '${key}': ${keyProblem}`, hint: "Use a key like 'example.com/owner'." }));
    }
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    out.push(diagnose(o, { rule: 'invalid-annotation', message: `${path}.annotations: ${bytes} bytes in total, more than the 256 KiB the API server accepts`, hint: 'Move large content into a ConfigMap.' }));
  }
  return out;
}

// The same few keys (app.kubernetes.io/name, ...) come back on every object.
const keyProblems = new Map<string, string | undefined>();

/** Why a label or annotation key is not a qualified name ('prefix/name'), or undefined when it is one. */
function qualifiedNameProblem(key: string): string | undefined {
  if (!keyProblems.has(key)) keyProblems.set(key, findKeyProblem(key));
  return keyProblems.get(key);
}

function findKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isSubdomain(prefix)) return `the prefix '${prefix}' must be ${SUBDOMAIN.says}`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "the name part must be 1 to 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

/** A close valid name: lower case, runs of other characters as '-', trimmed. */
function suggestName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 52) || 'my-object';
}
