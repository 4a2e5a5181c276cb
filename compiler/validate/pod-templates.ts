// Where workloads keep their pods: the pod template of each workload kind and its containers,
// with the field paths that diagnostics name.
import type { K8sObject } from '../../core/types.ts';
import { list, record, stringMap, type JsonRecord } from './json.ts';

export interface PodTemplate {
  /** Path of the pod template ('spec.template'; '' for a Pod). */
  readonly path: string;
  /** Path of the pod spec ('spec.template.spec'; 'spec' for a Pod). */
  readonly specPath: string;
  readonly metadata: JsonRecord | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: JsonRecord;
}

export interface ContainerAt {
  /** e.g. 'spec.template.spec.initContainers[0]' */
  readonly path: string;
  readonly container: JsonRecord;
  readonly init: boolean;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  'apps/Deployment': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  '/ReplicationController': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  '/Pod': [],
};

/** The workload kinds that carry a pod template, as 'group/Kind'. */
export function isWorkload(group: string, kind: string): boolean {
  return `${group}/${kind}` in TEMPLATE_PATHS;
}

/** The pod template of a workload (a Pod is its own template); undefined for other kinds. */
export function podTemplateOf(group: string, object: K8sObject): PodTemplate | undefined {
  const keys = TEMPLATE_PATHS[`${group}/${object.kind}`];
  if (!keys) return undefined;
  let node: JsonRecord | undefined = object;
  for (const key of keys) node = record(node?.[key]);
  const spec = record(node?.spec);
  if (!node || !spec) return undefined;
  const metadata = record(node.metadata);
  const path = keys.join('.');
  return { path, specPath: path ? `${path}.spec` : 'spec', metadata, labels: stringMap(metadata?.labels), spec };
}

/** The containers and init containers of a pod template, in order. */
export function containersOf(template: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const [key, init] of [['initContainers', true], ['containers', false]] as const) {
    list(template.spec[key]).forEach((c, i) => {
      const container = record(c);
      if (container) out.push({ path: `${template.specPath}.${key}[${i}]`, container, init });
    });
  }
  return out;
}

/** A container's name for messages: `containers[0] (web)`. */
export function containerLabel(at: ContainerAt): string {
  const name = typeof at.container.name === 'string' ? ` (${at.container.name})` : '';
  return `${at.path.slice(at.path.lastIndexOf('.') + 1)}${name}`;
}
