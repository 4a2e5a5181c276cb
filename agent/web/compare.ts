// For one object, what git sets against what is live on those fields (the ones our apply sets): the
// live object cut to the shape of the desired one, both as YAML, and a unified diff. Status, server
// defaults and fields only other writers set stay out. Not from managedFields: a field someone else
// changed becomes theirs there, and is exactly the one to show.
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { formatRef, refKey } from '../../core/kinds.ts';
import { desiredSet } from '../desired.ts';
import type { KubeClient } from '../kube.ts';
import type { DesiredObject, K8sObject, ObjectRef, Revision } from '../types.ts';
import { isRecord } from '../../core/is-record.ts';

export interface ObjectComparison {
  readonly object: string;
  readonly file?: string;
  /** Our fields as git sets them, as YAML. */
  readonly desired?: string;
  /** Our fields as they are live, as YAML; absent when the object is not in the cluster. */
  readonly live?: string;
  /** Unified diff from desired to live; empty when they agree. */
  readonly diff: string;
  /** Why there is nothing to compare. */
  readonly problem?: string;
}

export async function compareObject(kube: Pick<KubeClient, 'read'>, revision: Revision | undefined, ref: ObjectRef): Promise<ObjectComparison> {
  const object = formatRef(ref);
  const desired = revision && findDesired(revision, ref);
  if (!desired) return { object, diff: '', problem: `${object} is not in the applied revision` };
  let live: K8sObject | undefined;
  try {
    live = await kube.read(desired.object.apiVersion, ref.kind, ref.namespace, ref.name);
  } catch (error) {
    return { object, file: desired.file, diff: '', problem: `cannot read ${object} from the cluster: ${(error as Error).message}` };
  }
  const wanted = yamlOf(desired.object);
  const actual = live ? yamlOf(onFieldsOf(desired.object, live) ?? {}) : undefined;
  const diff = actual === undefined || actual === wanted ? '' : createTwoFilesPatch(`git: ${desired.file}`, 'live', wanted, actual, undefined, undefined, { context: 3 });
  return { object, file: desired.file, desired: wanted, ...(actual === undefined ? {} : { live: actual }), diff };
}

/** The object in the revision: first from the files named after it (as synth names them), else from all. */
function findDesired(revision: Revision, ref: ObjectRef): DesiredObject | undefined {
  const key = refKey(ref);
  const named = [...revision.files].filter(([path]) => path.includes(`-${ref.name}.`));
  for (const files of [named, [...revision.files]]) {
    try {
      const found = desiredSet({ ...revision, files: new Map(files) }).objects.find((d) => refKey(d.ref) === key);
      if (found) return found;
    } catch {
      // A part of a revision the agent applied parses; a revision it refused is not shown here.
    }
  }
  return undefined;
}

/**
 * `live` where `desired` sets something: maps key by key, lists of named entries (containers, env,
 * volumes) by name and other lists item by item, anything else as it is live. Undefined where live has nothing.
 */
function onFieldsOf(desired: unknown, live: unknown): unknown {
  if (Array.isArray(desired) && Array.isArray(live)) {
    const named = desired.every((d) => isRecord(d) && typeof d.name === 'string');
    return desired.map((d, i) => onFieldsOf(d, named ? live.find((l) => isRecord(l) && l.name === (d as { name: string }).name) : live[i]))
      .filter((item) => item !== undefined);
  }
  if (!isRecord(desired) || !isRecord(live)) return live;
  const picked = Object.entries(desired).map(([key, value]) => [key, onFieldsOf(value, live[key])]).filter(([, value]) => value !== undefined);
  return Object.fromEntries(picked);
}


function yamlOf(value: unknown): string {
  return stringify(value, { sortMapEntries: true });
}
