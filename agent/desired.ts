// Parses the files of one environment in a rendered commit into the DesiredSet: every object
// with our owner labels added. A revision with any bad file is refused whole, naming file and line.
import { createHash } from 'node:crypto';
import { LineCounter, parseAllDocuments } from 'yaml';
import { UserInputError } from '../compiler/errors.ts';
import { crdScopes, formatRef, refKey, refOf } from '../compiler/kinds.ts';
import { sortKeys } from '../compiler/render.ts';
import { OWNER_APP, OWNER_ENV } from './labels.ts';
import type { DesiredObject, DesiredSet, K8sObject, Revision } from './types.ts';

/** A parsed file: its objects with owner labels and hashes. */
interface ParsedObject { readonly object: K8sObject; readonly app: string; readonly file: string; readonly hash: string }

/**
 * Parsed files by path, reused while a file's text stays the same, so a long-running agent parses only
 * the files a new revision changed (parsing thousands of files each reconcile cost seconds of CPU).
 * It keeps a digest of each text, not the text: the revision holds that already.
 */
export type ParseCache = Map<string, { readonly digest: string; readonly objects: readonly ParsedObject[] }>;

export function desiredSet(revision: Revision, cache?: ParseCache): DesiredSet {
  const problems: string[] = [];
  const parsed: ParsedObject[] = [];
  const files = new Set<string>();
  for (const [path, text] of [...revision.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!path.endsWith('.yaml') && !path.endsWith('.yml')) continue;
    const file = `${revision.env}/${path}`;
    files.add(file);
    const cached = cache?.get(file);
    const digest = createHash('sha1').update(text).digest('base64');
    if (cached?.digest === digest) { parsed.push(...cached.objects); continue; }
    const result = parseFile(text, file, path.split('/')[0], revision.env);
    problems.push(...result.problems);
    parsed.push(...result.objects);
    if (result.problems.length === 0) cache?.set(file, { digest, objects: result.objects });
  }
  for (const file of cache?.keys() ?? []) if (!files.has(file)) cache!.delete(file);

  const crds = crdScopes(parsed.map((p) => p.object));
  const seen = new Map<string, string>();
  const objects: DesiredObject[] = [];
  for (const { object, app, file, hash } of parsed) {
    const ref = refOf(object, crds);
    const key = refKey(ref);
    const first = seen.get(key);
    if (first) { problems.push(`${file}: ${formatRef(ref)} is also defined in ${first}`); continue; }
    seen.set(key, file);
    objects.push({ ref, object, app, file, hash });
  }

  if (problems.length > 0) {
    throw new UserInputError(`revision ${revision.commit.slice(0, 12)} of ${revision.env} cannot be applied:\n  ${problems.join('\n  ')}`, {
      env: revision.env,
      commit: revision.commit,
      hint: 'Nothing was applied from it. Fix the files named above in the source repository and publish again.',
    });
  }
  return { revision, objects };
}

/** The objects of one file, with owner labels and hashes, and what is wrong with it (file:line each). */
function parseFile(text: string, file: string, app: string, env: string): { objects: ParsedObject[]; problems: string[] } {
  const objects: ParsedObject[] = [], problems: string[] = [];
  const lines = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    const line = lines.linePos(doc.range[0]).line;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(`${file}:${e.linePos?.[0].line ?? line}: ${e.message.split('\n')[0]}`);
      continue;
    }
    const object = doc.toJS() as K8sObject | null;
    if (object === null) continue; // an empty document
    const missing = ['apiVersion', 'kind'].filter((k) => typeof object?.[k] !== 'string' || !object[k]);
    if (typeof object?.metadata?.name !== 'string' || !object.metadata.name) missing.push('metadata.name');
    if (missing.length > 0) { problems.push(`${file}:${line}: object has no ${missing.join(', ')}`); continue; }
    const labelled = withOwnerLabels(object, app, env);
    objects.push({ object: labelled, app, file: `${file}:${line}`, hash: objectHash(labelled) });
  }
  return { objects, problems };
}

function withOwnerLabels(object: K8sObject, app: string, env: string): K8sObject {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [OWNER_APP]: app, [OWNER_ENV]: env } } };
}

/** sha256 of the canonical JSON (sorted keys) of a value. */
export function objectHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(sortKeys(value))).digest('hex');
}
