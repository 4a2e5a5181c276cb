// Rule 'invalid-value': numbers the API server refuses whatever the schema says of their type (a negative replica
// count, a port outside 1–65535, an HPA whose maxReplicas is below its minReplicas, a PDB of 150%), found at synth
// instead of when the agent applies the revision. The bounds are the API server's own validation of these fields.
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { diagnose } from './diagnostic.ts';
import { fieldPath, list, record, type JsonRecord } from './json.ts';
import type { PodTemplate } from './pod-templates.ts';

/** A number field (`[*]`: every item of a list) and its least and greatest value; `percent`: or a string 'N%' up to 100%. */
interface Bound { readonly path: string; readonly min: number; readonly max?: number; readonly percent?: boolean }

const PORT = { min: 1, max: 65535 };
const SCALED: readonly Bound[] = [{ path: 'spec.replicas', min: 0 }, { path: 'spec.minReadySeconds', min: 0 }];
const job = (spec: string): Bound[] => [
  { path: `${spec}.parallelism`, min: 0 }, { path: `${spec}.completions`, min: 0 }, { path: `${spec}.backoffLimit`, min: 0 },
  { path: `${spec}.activeDeadlineSeconds`, min: 0 }, { path: `${spec}.ttlSecondsAfterFinished`, min: 0 },
];

const BOUNDS: Readonly<Record<string, readonly Bound[]>> = {
  'apps/Deployment': [...SCALED, { path: 'spec.revisionHistoryLimit', min: 0 }, { path: 'spec.progressDeadlineSeconds', min: 0 }],
  'apps/StatefulSet': [...SCALED, { path: 'spec.revisionHistoryLimit', min: 0 }],
  'apps/ReplicaSet': SCALED,
  '/ReplicationController': SCALED,
  'apps/DaemonSet': [{ path: 'spec.minReadySeconds', min: 0 }, { path: 'spec.revisionHistoryLimit', min: 0 }],
  'batch/Job': job('spec'),
  'batch/CronJob': [...job('spec.jobTemplate.spec'), { path: 'spec.startingDeadlineSeconds', min: 0 },
    { path: 'spec.successfulJobsHistoryLimit', min: 0 }, { path: 'spec.failedJobsHistoryLimit', min: 0 }],
  '/Service': [{ path: 'spec.ports[*].port', ...PORT }, { path: 'spec.ports[*].targetPort', ...PORT }],
  // minReplicas 0 is scaling to zero (with an Object or External metric: the API server checks that).
  'autoscaling/HorizontalPodAutoscaler': [{ path: 'spec.minReplicas', min: 0 }, { path: 'spec.maxReplicas', min: 1 }],
  'policy/PodDisruptionBudget': [{ path: 'spec.minAvailable', min: 0, percent: true }, { path: 'spec.maxUnavailable', min: 0, percent: true }],
};

/** Of every pod spec, relative to it. A hostPort of 0 is none. */
const POD_SPEC: readonly Bound[] = [
  ...['containers', 'initContainers'].flatMap((list): Bound[] => [
    { path: `${list}[*].ports[*].containerPort`, ...PORT }, { path: `${list}[*].ports[*].hostPort`, min: 0, max: 65535 },
  ]),
  { path: 'activeDeadlineSeconds', min: 1 }, // (a negative terminationGracePeriodSeconds the server takes as 1)
];

/** The object's numbers against the API server's bounds, its pod spec's too. */
export function checkValues(o: SynthObject, template: PodTemplate | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const broken = new Set<string>(); // the field paths out of their bounds
  const check = (root: JsonRecord, base: string, bounds: readonly Bound[]) => {
    for (const bound of bounds) for (const [path, value] of valuesAt(root, base, bound.path.split('.'))) {
      const problem = outOfBounds(value, bound);
      if (problem) { out.push(invalid(o, path, value, problem)); broken.add(path); }
    }
  };
  check(o.object, '', BOUNDS[`${o.ref.group}/${o.ref.kind}`] ?? []);
  if (template) check(template.spec, template.specPath, POD_SPEC);
  return [...out, ...related(o, RELATIONS[`${o.ref.group}/${o.ref.kind}`], broken)];
}

/** The values at a path of keys (`name[*]` for every item of a list), each with its field path; absent ones are left out. */
function valuesAt(value: unknown, base: string, keys: readonly string[]): [string, unknown][] {
  if (keys.length === 0) return value === undefined || value === null ? [] : [[base, value]];
  const [key, ...rest] = keys;
  const each = key!.endsWith('[*]');
  const name = each ? key!.slice(0, -3) : key!;
  const child = record(value)?.[name];
  const path = fieldPath(base, name);
  return each ? list(child).flatMap((item, i) => valuesAt(item, fieldPath(path, i), rest)) : valuesAt(child, path, rest);
}

/** What is wrong with a number against its bound, if anything; other types are the schema rule's. */
function outOfBounds(value: unknown, bound: Bound): string | undefined {
  if (bound.percent && typeof value === 'string') {
    const percent = /^(\d+)%$/.exec(value);
    return !percent ? "must be a number or a percentage such as '50%'" : Number(percent[1]) > 100 ? 'must not be more than 100%' : undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (value < bound.min) return `must be greater than or equal to ${bound.min}`;
  if (bound.max !== undefined && value > bound.max) return `must be between ${bound.min} and ${bound.max}, inclusive`;
  return undefined;
}

/** A spec field that must be at least (`above`: more than) another, which has a default when not set. */
interface Relation { readonly field: string; readonly other: string; readonly otherDefault: number; readonly above: boolean }

const RELATIONS: Readonly<Record<string, Relation>> = {
  'autoscaling/HorizontalPodAutoscaler': { field: 'maxReplicas', other: 'minReplicas', otherDefault: 1, above: false },
  'apps/Deployment': { field: 'progressDeadlineSeconds', other: 'minReadySeconds', otherDefault: 0, above: true },
};

/** The field against the other one, unless one of them already broke its own bound (said once). */
function related(o: SynthObject, relation: Relation | undefined, broken: ReadonlySet<string>): Diagnostic[] {
  if (!relation) return [];
  const spec = record(o.object.spec);
  const [value, other] = [spec?.[relation.field], spec?.[relation.other] ?? relation.otherDefault];
  if (typeof value !== 'number' || typeof other !== 'number' || (relation.above ? value > other : value >= other)) return [];
  if (broken.has(`spec.${relation.field}`) || broken.has(`spec.${relation.other}`)) return [];
  return [invalid(o, `spec.${relation.field}`, value, `must be greater than ${relation.above ? '' : 'or equal to '}${relation.other} (${other})`)];
}

function invalid(o: SynthObject, path: string, value: unknown, problem: string): Diagnostic {
  return diagnose(o, {
    rule: 'invalid-value',
    message: `${path}: ${JSON.stringify(value)} ${problem}`,
    hint: 'The API server refuses the object with this value: change it in the construct that sets it.',
  });
}
