// Parses the files of one environment in a rendered commit into the DesiredSet: every object
// with our owner labels added. A revision with any bad file is refused whole, naming file and line.
import { createHash } from 'node:crypto';
import { LineCounter, parseAllDocuments } from 'yaml';
import { UserInputError } from '../compiler/errors.ts';
import { crdScopes, formatRef, refKey, refOf } from '../compiler/kinds.ts';
import { sortKeys } from '../compiler/render.ts';
import { OWNER_APP, OWNER_ENV } from './labels.ts';
import type { DesiredObject, DesiredSet, K8sObject, Revision } from './types.ts';

export function desiredSet(revision: Revision): DesiredSet {
  const problems: string[] = [];
  const parsed: { object: K8sObject; app: string; file: string }[] = [];
  for (const [path, text] of [...revision.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!path.endsWith('.yaml') && !path.endsWith('.yml')) continue;
    const file = `${revision.env}/${path}`;
    const app = path.split('/')[0];
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
      if (missing.length > 0) problems.push(`${file}:${line}: object has no ${missing.join(', ')}`);
      else parsed.push({ object, app, file: `${file}:${line}` });
    }
  }

  const crds = crdScopes(parsed.map((p) => p.object));
  const seen = new Map<string, string>();
  const objects: DesiredObject[] = [];
  for (const { object, app, file } of parsed) {
    const ref = refOf(object, crds);
    const key = refKey(ref);
    const first = seen.get(key);
    if (first) { problems.push(`${file}: ${formatRef(ref)} is also defined in ${first}`); continue; }
    seen.set(key, file);
    const labelled = withOwnerLabels(object, app, revision.env);
    objects.push({ ref, object: labelled, app, file, hash: objectHash(labelled) });
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

function withOwnerLabels(object: K8sObject, app: string, env: string): K8sObject {
  return { ...object, metadata: { ...object.metadata, labels: { ...object.metadata.labels, [OWNER_APP]: app, [OWNER_ENV]: env } } };
}

/** sha256 of the canonical JSON (sorted keys) of a value. */
export function objectHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(sortKeys(value))).digest('hex');
}
