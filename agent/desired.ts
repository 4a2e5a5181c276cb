// Parses the files of one environment in a rendered commit into the DesiredSet. The compiler renders the
// owner labels; the agent checks them (never adds them), so what reviewers saw is what is applied.
// A revision with any bad file is refused whole, naming file and line.
import { createHash } from 'node:crypto';
import { UserInputError } from '../core/errors.ts';
import { crdScopes, formatRef, refKey, refOf } from '../core/kinds.ts';
import { sortKeys } from '../core/sort-keys.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { DEFAULT_LIMITS, type RevisionLimits } from '../core/limits.ts';
import { readDocuments } from '../core/parse-yaml.ts';
import { refProblem } from './ref-names.ts';
import type { DesiredObject, DesiredSet, K8sObject, Revision } from './types.ts';
import { isRecord } from '../core/is-record.ts';

/** A parsed object of a file: with its app (the file's folder), where it starts and its hash. */
interface ParsedObject { readonly object: K8sObject; readonly app: string; readonly file: string; readonly hash: string }

/**
 * Parsed files by path, reused while a file's text stays the same, so a long-running agent parses only
 * the files a new revision changed (parsing thousands of files each reconcile cost seconds of CPU).
 * It keeps a digest of each text, not the text: the revision holds that already.
 */
export type ParseCache = Map<string, { readonly digest: string; readonly objects: readonly ParsedObject[]; readonly empty: number }>;

/** A file's objects, its empty documents, what is wrong with it, and where it crossed the objects limit. */
interface ParsedFile { readonly objects: readonly ParsedObject[]; readonly empty: number; readonly problems: readonly string[]; readonly crossedAt?: string }

const MAX_PROBLEMS = 100;

export function desiredSet(revision: Revision, cache?: ParseCache, limits: RevisionLimits = DEFAULT_LIMITS): DesiredSet {
  const problems: string[] = [];
  const parsed: ParsedObject[] = [];
  const files = new Set<string>();
  let unowned = false; // a file or object no app owns: most likely rendered by an older typed-gitops
  let counted = 0; // objects and empty documents: both cost time to read
  for (const [path, text] of [...revision.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isObjectFile(path)) continue;
    const file = `${revision.env}/${path}`;
    files.add(file);
    const app = appFolder(path);
    if (app === undefined) {
      problems.push(`${file}: not in an app's folder (${revision.env}/<app>/…), so no app owns it; publish writes every object there`);
      unowned = true;
      continue;
    }
    const cached = cache?.get(file);
    const digest = createHash('sha1').update(text).digest('base64');
    const result: ParsedFile = cached?.digest === digest
      ? { ...cached, problems: [] }
      : parseFile(text, file, { app, limits, room: limits.objects - counted });
    for (const o of result.objects) parsed.push(o); // never push(...): a file may hold a huge number of objects
    for (const p of result.problems) problems.push(p);
    counted += result.objects.length + result.empty;
    if (counted > limits.objects) {
      problems.push(`${result.crossedAt ?? file}: more than ${limits.objects} objects in the revision (the objects limit; empty documents count too); nothing after this was read`);
      refuse(revision, problems);
    }
    if (problems.length >= MAX_PROBLEMS) refuse(revision, [...problems, `(stopped reading after ${MAX_PROBLEMS} problems)`]);
    if (result.problems.length === 0 && cached?.digest !== digest) cache?.set(file, { digest, objects: result.objects, empty: result.empty });
  }
  for (const file of cache?.keys() ?? []) if (!files.has(file)) cache!.delete(file);

  const identified = identify(parsed, revision.env, problems);
  if (problems.length > 0) refuse(revision, problems, unowned || identified.unowned ? REPUBLISH_HINT : FIX_HINT);
  return { revision, objects: identified.objects };
}

// Object files are YAML or JSON (JSON is YAML). The compiler's manifest is not in <env>/ (an older
// compiler's <env>/manifest.json is just a file there now, refused as in no app's folder).
function isObjectFile(path: string): boolean {
  return /\.(ya?ml|json)$/.test(path);
}

/** The app folder of a path relative to `<env>/` ('web/shop/x.yaml' -> 'web'), or undefined for a file directly in it. */
function appFolder(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : undefined;
}

/**
 * What is wrong with an object's owner labels, or undefined: both must be there, naming its folder's app and
 * the agent's environment, as the compiler renders them.
 */
function ownerLabelProblem(object: K8sObject, app: string, env: string): string | undefined {
  const labels = object.metadata.labels ?? {};
  const expected = Object.entries(ownerLabels(app, env));
  const found = expected.filter(([key, value]) => labels[key] !== value).map(([key]) => (key in labels ? `${key}=${shown(labels[key])}` : `no ${key}`));
  if (found.length === 0) return undefined;
  return `has ${found.join(' and ')}; an object in ${env}/${app}/ must be labelled ${expected.map(([key, value]) => `${key}=${value}`).join(', ')}`;
}

/** An untrusted label value as an error shows it: quoted, and cut at the 63 characters a label value may have. */
function shown(value: string): string {
  return JSON.stringify(value.length > 63 ? `${value.slice(0, 63)}…` : value);
}

/**
 * The DesiredObjects of the parsed objects; a bad ref, wrong owner labels or a second definition of a ref goes to
 * `problems` (the first MAX_PROBLEMS of them, then a count: an old revision may have 25,000 unlabelled objects).
 */
function identify(parsed: readonly ParsedObject[], env: string, problems: string[]): { objects: DesiredObject[]; unowned: boolean } {
  const crds = crdScopes(parsed.map((p) => p.object));
  const seen = new Map<string, string>();
  const objects: DesiredObject[] = [];
  let unowned = false, more = 0;
  const report = (problem: string) => (problems.length < MAX_PROBLEMS ? problems.push(problem) : more++);
  for (const { object, app, file, hash } of parsed) {
    const ref = refOf(object, crds);
    const wrong = refProblem(ref, object.apiVersion);
    if (wrong) { report(`${file}: ${wrong}`); continue; }
    const labels = ownerLabelProblem(object, app, env);
    if (labels) { report(`${file}: ${formatRef(ref)} ${labels}`); unowned = true; continue; }
    const key = refKey(ref);
    const first = seen.get(key);
    if (first) { report(`${file}: ${formatRef(ref)} is also defined in ${first}`); continue; }
    seen.set(key, file);
    objects.push({ ref, object, app, file, hash });
  }
  if (more > 0) problems.push(`… and ${more} more objects refused the same ways`);
  return { objects, unowned };
}

const FIX_HINT = 'Nothing was applied from it. Fix the files named above in the source repository and publish again.';
const REPUBLISH_HINT = 'Nothing was applied from it. The compiler renders the owner labels into every object of <env>/<app>/: '
  + 'a revision published by an older typed-gitops (without them, and with <env>/manifest.json) must be published again with this version; '
  + 'otherwise fix the labels named above in the source repository and publish again.';

function refuse(revision: Revision, problems: readonly string[], hint = FIX_HINT): never {
  throw new UserInputError(`revision ${revision.commit.slice(0, 12)} of ${revision.env} cannot be applied:\n  ${problems.join('\n  ')}`, {
    env: revision.env,
    commit: revision.commit,
    hint,
  });
}

interface FileContext { readonly app: string; readonly limits: RevisionLimits; readonly room: number }

/**
 * The objects of one file, with their hashes, and what is wrong with it (file:line each).
 * Stops reading once it holds more than `room` objects and empty documents: the caller refuses the revision then.
 */
function parseFile(text: string, file: string, context: FileContext): ParsedFile {
  const objects: ParsedObject[] = [], problems: string[] = [];
  let empty = 0;
  for (const doc of readDocuments(text, context.limits)) {
    const at = `${file}:${doc.line}`;
    if ('problem' in doc) { problems.push(`${at}: ${doc.problem}`); } else if (doc.value === null) { empty++; } else {
      for (const item of listItems(doc.value, at, problems)) {
        const wrong = objectProblem(item);
        if (wrong) { problems.push(`${at}: ${wrong}`); continue; }
        objects.push({ object: item as K8sObject, app: context.app, file: at, hash: objectHash(item) });
      }
    }
    if (objects.length + empty > context.room) return { objects, empty, problems, crossedAt: at };
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return { objects, empty, problems };
}

/**
 * The objects of one document. Like kubectl, a document with an `items` field (`kind: List`) stands
 * for its items.
 */
function listItems(value: unknown, at: string, problems: string[]): readonly unknown[] {
  if (!isRecord(value) || !('items' in value)) return [value];
  const items = value.items ?? [];
  if (!Array.isArray(items) || !items.every((i) => isRecord(i) && !('items' in i))) {
    problems.push(`${at}: the items of a ${String(value.kind)} must be a list of objects, none of them a list (kubectl refuses it too)`);
    return [];
  }
  return items;
}

/** What an object lacks, or holds where Kubernetes wants strings (labels, annotations), or undefined. */
function objectProblem(value: unknown): string | undefined {
  const missing = missingFields(value);
  if (missing.length > 0) return `object has no ${missing.join(', ')}`;
  const metadata = (value as K8sObject).metadata;
  for (const field of ['labels', 'annotations'] as const) {
    const map: unknown = metadata[field] ?? {};
    if (!isRecord(map)) return `metadata.${field} must be a map of strings`;
    const bad = Object.entries(map).find(([, v]) => typeof v !== 'string');
    if (bad) return `metadata.${field}.${bad[0]} is ${JSON.stringify(bad[1])}, not a string: quote it (unquoted, on/off, yes/no, y/n and 0644 are booleans and numbers to kubectl too)`;
  }
  return undefined;
}

function missingFields(value: unknown): string[] {
  const object = isRecord(value) ? value : {};
  const missing = ['apiVersion', 'kind'].filter((k) => typeof object[k] !== 'string' || !object[k]);
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (typeof metadata.name !== 'string' || !metadata.name) missing.push('metadata.name');
  return missing;
}


/** sha256 of the canonical JSON (sorted keys) of a value. */
export function objectHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(sortKeys(value))).digest('hex');
}
