// Parses the text of an included YAML or JSON file into Kubernetes objects, each with where it came from
// ('manifests/legacy/web.yaml#2': the file and its 0-based document index; '#2.items[0]' inside a List).
// Empty documents are skipped; a List is unwrapped; anything else that is no object is a problem naming file:line.
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../core/types.ts';

export interface ParsedObject {
  readonly object: K8sObject;
  /** file#index */
  readonly source: string;
}

export interface ManifestProblem {
  /** 'file:line' of a syntax error, else 'file#index' */
  readonly at: string;
  readonly message: string;
}

export interface ParseOutcome {
  readonly objects: readonly ParsedObject[];
  readonly problems: readonly ManifestProblem[];
}

export function formatProblem(p: ManifestProblem): string {
  return `${p.at}: ${p.message}`;
}

/** Generous for a hand-written manifest, small enough that an alias bomb cannot grow one without bound. */
const MAX_ALIASES = 1000;

export function parseManifests(file: string, text: string): ParseOutcome {
  const objects: ParsedObject[] = [];
  const problems: ManifestProblem[] = [];
  parseAllDocuments(text, { prettyErrors: true }).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const [first] = e.message.split('\n');
        problems.push({ at: `${file}:${e.linePos?.[0].line ?? '?'}`, message: first.replace(/ at line (\d+), column (\d+):$/, ' (column $2)') });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      problems.push({ at: `${file}#${index}`, message: (error as Error).message });
      return;
    }
    if (value === null || value === undefined) return; // an empty document
    collect(jsonValue(value), `${file}#${index}`, objects, problems);
  });
  return { objects, problems };
}

function collect(value: unknown, source: string, objects: ParsedObject[], problems: ManifestProblem[]): void {
  const problem = objectProblem(value);
  if (problem) { problems.push({ at: source, message: problem }); return; }
  const object = value as K8sObject;
  if (object.kind.endsWith('List') && Array.isArray(object.items)) {
    object.items.forEach((item, i) => collect(item, `${source}.items[${i}]`, objects, problems));
    return;
  }
  objects.push({ object, source });
}

function objectProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `the document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a Kubernetes object`;
  const o = value as Record<string, unknown>;
  const kind = typeof o.kind === 'string' && o.kind ? o.kind : undefined;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion || !kind) return 'the object has no apiVersion or kind';
  if (kind.endsWith('List') && Array.isArray(o.items)) return undefined;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  if (typeof metadata?.name !== 'string' || !metadata.name) return `the ${kind} has no metadata.name (generateName is not supported: a rendered object needs a stable name)`;
  return undefined;
}

/** JSON as Kubernetes reads it: a YAML 1.1 timestamp is its ISO text, `!!binary` its base64 text (cdk8s refuses other objects). */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}
