// Include: Kubernetes objects from YAML or JSON files and folders of the project, or from a URL pinned by sha256,
// as ApiObjects in the construct tree (so they meet the same schema, reference and policy checks as constructed
// ones), each naming its file and document ('manifests/legacy/web.yaml#2'). Changes per environment are typed and
// by field path: `include.find({ kind: 'Deployment', name: 'web' }).set(['spec', 'replicas'], 3)`, `drop(...)`.
import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { formatRef, isClusterScoped, refOf } from '../core/kinds.ts';
import type { K8sObject } from '../core/types.ts';
import { formatPath, hasField, removeField, setField, type FieldPath, type JsonObject, type ValueAt } from './field-path.ts';
import { formatProblem, parseManifests, type ParsedObject } from './include-parse.ts';
import { readPinnedUrl, readProjectManifests, type ManifestText, type PinnedUrl } from './include-read.ts';
import type { KindType } from './include-kinds.ts';
import { ConstructInputError } from './input-error.ts';

export type { KnownKinds, KindType, UntypedObject } from './include-kinds.ts';
export type { FieldPath, PathStep, ValueAt } from './field-path.ts';

export interface IncludeLimits {
  /** Largest file (or URL body) read, in bytes. @default 8 MiB */
  readonly maxBytes?: number;
  /** Longest a URL fetch may take, in milliseconds. @default 60000 */
  readonly timeoutMs?: number;
}

/** A file or folder of the project (relative to its root), or a URL pinned by the sha256 of its body. */
export type IncludeProps = ({ readonly path: string } | PinnedUrl) & IncludeLimits;

export interface ObjectSelector<K extends string = string> {
  readonly kind: K;
  readonly name: string;
  /** @default any namespace (then the name must be unique) */
  readonly namespace?: string;
  /** @default any apiVersion */
  readonly apiVersion?: string;
}

/** Construct metadata naming the file and document an object came from; synth makes it the object's sourceFile. */
const SOURCE_METADATA = 'typed-gitops:source';

/** The file#index a construct was included from, if it was. */
export function sourceOf(construct: IConstruct): string | undefined {
  return construct.node.metadata.find((m) => m.type === SOURCE_METADATA)?.data as string | undefined;
}

/** Problems named in one error; a garbled file can hold thousands. */
const MAX_PROBLEMS = 10;

export class Include extends Construct {
  /** What was included: 'manifests/legacy' or the URL. */
  readonly from: string;
  private readonly included = new Map<string, IncludedObject<unknown>>();

  constructor(scope: Construct, id: string, props: IncludeProps) {
    super(scope, id);
    const maxBytes = props.maxBytes ?? 8 * 1024 * 1024;
    const texts: ManifestText[] = 'path' in props ? readProjectManifests(props.path, maxBytes) : [readPinnedUrl(props, maxBytes, props.timeoutMs ?? 60_000)];
    this.from = 'path' in props ? props.path : texts[0].file;
    const parsed = texts.map((t) => parseManifests(t.file, t.text));
    const problems = parsed.flatMap((p) => p.problems);
    if (problems.length > 0) {
      const shown = problems.slice(0, MAX_PROBLEMS).map(formatProblem).join('; ') + (problems.length > MAX_PROBLEMS ? `; … ${problems.length - MAX_PROBLEMS} more` : '');
      throw new ConstructInputError(`Include of ${this.from}: ${shown}`, 'include',
        'Fix the manifest at the place named; every document must be a Kubernetes object with apiVersion, kind and metadata.name.', problems[0].at);
    }
    for (const p of parsed.flatMap((o) => o.objects)) this.add(p);
  }

  /** Every included object still in the tree, in file and document order. */
  get objects(): readonly IncludedObject<unknown>[] {
    return [...this.included.values()];
  }

  /** The one included object the selector matches; an error when it matches none or several. */
  find<K extends string>(selector: ObjectSelector<K>): IncludedObject<KindType<K>> {
    const found = this.matching(selector);
    if (found.length > 1) {
      throw this.selectorError(selector, `matches ${found.length} objects (${found.map((o) => o.source).join(', ')})`, 'Add the namespace (or apiVersion) to the selector.');
    }
    return found[0] as IncludedObject<KindType<K>>;
  }

  /** Leaves every object the selector matches out of the output; an error when it matches none. */
  drop(selector: ObjectSelector): void {
    for (const o of this.matching(selector)) {
      this.node.tryRemoveChild(o.apiObject.node.id);
      this.included.delete(o.apiObject.node.id);
    }
  }

  private add({ object, source }: ParsedObject): void {
    const ns = object.metadata.namespace;
    const id = [object.kind, ns, object.metadata.name].filter(Boolean).join('-');
    const twin = this.included.get(id);
    if (twin) throw new ConstructInputError(`Include of ${this.from}: ${source} and ${twin.source} both define ${object.kind} ${ns ? `${ns}/` : ''}${object.metadata.name}`, 'include', 'Remove one of them: an object can be defined once.', source);
    const apiObject = new IncludedApiObject(this, id, object);
    apiObject.node.addMetadata(SOURCE_METADATA, source);
    this.included.set(id, new IncludedObject(apiObject, source));
  }

  private matching(selector: ObjectSelector): IncludedObject<unknown>[] {
    const found = this.objects.filter(({ apiObject: o }) => o.kind === selector.kind && o.name === selector.name &&
      (selector.namespace === undefined || (o.metadata.namespace ?? '') === selector.namespace) &&
      (selector.apiVersion === undefined || o.apiVersion === selector.apiVersion));
    if (found.length === 0) {
      const same = this.objects.filter((o) => o.apiObject.kind === selector.kind).map((o) => formatRef(refOf(o.apiObject.toJson() as K8sObject)));
      throw this.selectorError(selector, 'matches no included object', same.length > 0 ? `Included ${selector.kind}s: ${same.join(', ')}.` : `${this.from} includes no ${selector.kind}.`);
    }
    return found;
  }

  private selectorError(selector: ObjectSelector, what: string, hint: string): ConstructInputError {
    return new ConstructInputError(`Include of ${this.from}: selector ${JSON.stringify(selector)} ${what}`, 'include', hint);
  }
}

/** One included object, to change for an environment before synth. */
export class IncludedObject<T> {
  constructor(readonly apiObject: IncludedApiObject, readonly source: string) {}

  /** Sets the field at `path` (creating missing objects on the way), e.g. `set(['spec', 'replicas'], 3)`. */
  set<const P extends FieldPath>(path: P & KnownPath<T, P>, value: ValueAt<T, P>): this {
    this.apiObject.edit(this.source, path, (doc) => setField(doc, path, value));
    return this;
  }

  /** Removes the field at `path`; an error when the object has none there. */
  remove<const P extends FieldPath>(path: P & KnownPath<T, P>): this {
    this.apiObject.edit(this.source, path, (doc) => removeField(doc, path));
    return this;
  }

  addLabels(labels: Readonly<Record<string, string>>): this {
    for (const [k, v] of Object.entries(labels)) this.apiObject.metadata.addLabel(k, v);
    return this;
  }

  addAnnotations(annotations: Readonly<Record<string, string>>): this {
    for (const [k, v] of Object.entries(annotations)) this.apiObject.metadata.addAnnotation(k, v);
    return this;
  }
}

/** `unknown` when `P` is a path of `T`; else a type the path is not, so the type error is at the path and says why. */
type KnownPath<T, P extends FieldPath> = [ValueAt<T, P>] extends [never] ? { readonly 'is not a field path of this kind': P } : unknown;

/** An ApiObject from a manifest: its output is the manifest, the chart's namespace and labels, then the edits in order. */
class IncludedApiObject extends ApiObject {
  private readonly edits: ((doc: JsonObject) => JsonObject | string)[] = [];
  private readonly clusterScoped: boolean;

  constructor(scope: Construct, id: string, object: K8sObject) {
    super(scope, id, object);
    // A chart's namespace does not belong on a Namespace, ClusterRole, ...
    this.clusterScoped = object.metadata.namespace === undefined && isClusterScoped(object.apiVersion, object.kind);
  }

  /** Adds an edit after checking that it applies now. */
  edit(source: string, path: FieldPath, change: (doc: JsonObject) => JsonObject | string): void {
    const outcome = change(this.toJson());
    if (typeof outcome === 'string') {
      throw new ConstructInputError(`${source} (${this.kind} ${this.name}): cannot change ${formatPath(path)}: ${outcome}`, 'include', 'Check the path against the manifest.');
    }
    this.edits.push(change);
  }

  override toJson(): JsonObject {
    let doc = super.toJson() as JsonObject;
    if (this.clusterScoped && hasField(doc, ['metadata', 'namespace'])) doc = removeField(doc, ['metadata', 'namespace']) as JsonObject;
    for (const change of this.edits) {
      const next = change(doc);
      if (typeof next === 'string') throw new Error(`${this.node.path}: an edit no longer applies: ${next}`);
      doc = next;
    }
    return doc;
  }
}

export type { IncludedApiObject };
