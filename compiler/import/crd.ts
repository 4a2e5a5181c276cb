// The CustomResourceDefinitions of the documents an import read, checked and reduced to what the
// generated code and the schema check need (slim CRDs: group, names, scope, served versions with their
// schemas). Pure: documents in, CRDs out; every problem names the file (or URL) and document.
import { UserInputError } from '../../core/errors.ts';
import { isSubdomain } from '../../core/names.ts';
import { list, record, str, type JsonRecord } from '../validate/json.ts';

/** One parsed document, the source it was read from as the user named it, and where in it ('crds/foo.yaml#2'). */
export interface SourceDocument {
  readonly source: string;
  readonly where: string;
  readonly value: unknown;
}

export interface CrdVersion {
  readonly name: string;
  readonly storage: boolean;
  readonly schema: { readonly openAPIV3Schema: JsonRecord };
  readonly subresources?: JsonRecord;
}

/** A CRD as `imports/<group>.schemas.json` keeps it: served versions only, each with its schema. */
export interface SlimCrd {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly plural: string };
    readonly scope: string;
    readonly versions: readonly CrdVersion[];
  };
  /** Where it was imported from, as the user named it. */
  readonly source: string;
}

// Names go into generated code (comments, file names): only what Kubernetes itself accepts gets through
// (metadata.name: a DNS-1123 subdomain, isSubdomain).
const GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const VERSION = /^[a-z0-9]{1,63}$/;
const KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

export interface CollectedCrds {
  readonly crds: readonly SlimCrd[];
  /** Documents that are not CRDs ('gateway.yaml#2 (v1 Namespace)'), by source: a folder may hold other files. */
  readonly skipped: ReadonlyArray<{ readonly source: string; readonly document: string }>;
}

/** The CRDs among `documents` (Lists unpacked), one per name; the same name twice with other content is an error. */
export function collectCrds(documents: readonly SourceDocument[]): CollectedCrds {
  const byName = new Map<string, { crd: SlimCrd; where: string; json: string }>();
  const skipped: Array<{ source: string; document: string }> = [];
  for (const doc of unpackLists(documents)) {
    const crd = slimCrd(doc);
    if (!crd) { skipped.push({ source: doc.source, document: `${doc.where} (${describe(doc.value)})` }); continue; }
    const json = JSON.stringify(crd);
    const seen = byName.get(crd.metadata.name);
    if (seen && seen.json !== json) {
      throw new UserInputError(`CustomResourceDefinition ${crd.metadata.name} is defined twice, differently: in ${seen.where} and in ${doc.where}`, {
        file: doc.source, hint: 'Import one of the two (a narrower folder or file).',
      });
    }
    byName.set(crd.metadata.name, { crd, where: doc.where, json });
  }
  return { crds: [...byName.values()].map((e) => e.crd), skipped };
}

function unpackLists(documents: readonly SourceDocument[]): SourceDocument[] {
  return documents.flatMap((doc) => {
    const value = record(doc.value);
    if (!value || !str(value.kind)?.endsWith('List') || !Array.isArray(value.items)) return [doc];
    return value.items.map((item, i) => ({ source: doc.source, where: `${doc.where} items[${i}]`, value: item }));
  });
}

/** The slim CRD of a document, or undefined when it is not a CRD; a CRD we cannot import is an error. */
function slimCrd(doc: SourceDocument): SlimCrd | undefined {
  const value = record(doc.value);
  if (value?.kind !== 'CustomResourceDefinition' || !str(value.apiVersion)?.startsWith('apiextensions.k8s.io/')) return undefined;
  const name = str(record(value.metadata)?.name) ?? '(no name)';
  const fail = (what: string, hint: string) => new UserInputError(`CustomResourceDefinition ${name}: ${what}`, { file: doc.where, hint });
  if (value.apiVersion !== 'apiextensions.k8s.io/v1') throw fail(`${String(value.apiVersion)} is not supported`, 'Use the apiextensions.k8s.io/v1 form of the CRD (served by Kubernetes since 1.16).');
  const spec = record(value.spec);
  const group = str(spec?.group) ?? '';
  const names = record(spec?.names);
  const kind = str(names?.kind) ?? '';
  if (!isSubdomain(name)) throw fail('metadata.name is not a DNS name', 'Fix metadata.name in the CRD (<plural>.<group>).');
  if (!GROUP.test(group)) throw fail(`spec.group ${JSON.stringify(group)} is not a DNS name with a dot`, 'Fix spec.group in the CRD.');
  if (!KIND.test(kind)) throw fail(`spec.names.kind ${JSON.stringify(kind)} is not a kind name`, 'Fix spec.names.kind in the CRD.');
  const versions: CrdVersion[] = [];
  for (const v of list(spec?.versions).map(record)) {
    if (!v || v.served === false) continue;
    const version = str(v.name) ?? '';
    if (!VERSION.test(version)) throw fail(`version ${JSON.stringify(version)} is not a version name`, 'Fix spec.versions[].name in the CRD.');
    const schema = record(record(v.schema)?.openAPIV3Schema);
    if (!schema) throw fail(`version ${version} has no schema (spec.versions[].schema.openAPIV3Schema)`, 'gitops import types and checks custom resources by their schema: import a CRD that has one.');
    const subresources = record(v.subresources);
    versions.push({ name: version, storage: v.storage === true, schema: { openAPIV3Schema: schema }, ...(subresources ? { subresources } : {}) });
  }
  if (versions.length === 0) throw fail('serves no version', 'Import a CRD with a served version.');
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: { group, names: { kind, plural: str(names?.plural) ?? kind.toLowerCase() }, scope: str(spec?.scope) ?? 'Namespaced', versions },
    source: doc.source,
  };
}

function describe(value: unknown): string {
  const v = record(value);
  if (!v) return value === null ? 'empty' : 'not an object';
  return typeof v.kind === 'string' ? `${String(v.apiVersion ?? '')} ${v.kind}`.trim() : 'no kind';
}
