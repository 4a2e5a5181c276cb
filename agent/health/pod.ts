// Health of a Pod: completed, failed, a container that cannot start or keeps crashing, not yet
// scheduled or ready, or running and ready.
import type { K8sObject } from '../types.ts';
import { conditionOf, count, explain, health, isRecord, isTrue, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

interface Terminated { reason?: string; exitCode?: number }
interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}
interface PodStatus {
  phase: string;
  reason: string;
  message: string;
  containerStatuses: ContainerStatus[];
  initContainerStatuses: ContainerStatus[];
}

// Waiting reasons that do not clear up by waiting: the image, the config or the process is wrong.
const STUCK_REASONS = new Set([
  'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName',
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

export function podHealth(object: K8sObject): Health {
  const status = statusOf<PodStatus>(object);
  const containers = [...listOf(status.initContainerStatuses), ...listOf(status.containerStatuses)];
  switch (status.phase) {
    case 'Succeeded':
      return health(object, 'Healthy', 'completed');
    case 'Failed':
      return health(object, 'Degraded', `failed: ${status.reason ? `${status.reason}: ${status.message ?? ''}` : terminations(containers)}`);
    case 'Unknown':
      return health(object, 'Unknown', `state unknown: ${status.reason ?? 'the node does not report it'}`);
  }
  const stuck = containers.find((c) => STUCK_REASONS.has(c.state?.waiting?.reason ?? ''));
  if (stuck) {
    const waiting = stuck.state!.waiting!;
    return health(object, 'Degraded', `container ${stuck.name}: ${[waiting.reason, waiting.message].filter(Boolean).join(': ')}`);
  }
  // A pod restarted forever whose container keeps failing: the same answer between two crashes
  // (terminated, or running again but not ready) as in CrashLoopBackOff, instead of flipping.
  const restartPolicy = specOf<{ restartPolicy: string }>(object).restartPolicy ?? 'Always';
  const crashing = restartPolicy === 'Always' ? containers.find(isCrashing) : undefined;
  if (crashing) return health(object, 'Degraded', `container ${crashing.name}: ${crashText(crashing)}`);
  const scheduled = conditionOf(object, 'PodScheduled');
  if (!isTrue(scheduled)) return health(object, 'Progressing', scheduled ? `not scheduled: ${explain(scheduled)}` : 'not scheduled yet');
  const ready = conditionOf(object, 'Ready');
  if (!isTrue(ready)) return health(object, 'Progressing', ready ? `not ready: ${explain(ready)}` : `${status.phase ?? 'Pending'}, not ready`);
  // A pod meant to run to completion is not done while it runs.
  if (restartPolicy !== 'Always') return health(object, 'Progressing', 'running to completion');
  return health(object, 'Healthy', 'running and ready');
}

function terminations(containers: ContainerStatus[]): string {
  const failed = containers.filter((c) => c.state?.terminated && c.state.terminated.exitCode !== 0);
  return failed.map((c) => `container ${c.name}: ${c.state!.terminated!.reason ?? 'Error'} (exit code ${c.state!.terminated!.exitCode})`).join(', ') || 'no reason given';
}

function listOf(value: unknown): ContainerStatus[] {
  return Array.isArray(value) ? value.filter((c): c is ContainerStatus => isRecord(c)) : [];
}

function failedExit(t: Terminated | undefined): t is Terminated {
  return t !== undefined && typeof t.exitCode === 'number' && t.exitCode !== 0;
}

function isCrashing(c: ContainerStatus): boolean {
  if (failedExit(c.state?.terminated)) return true;
  return c.ready !== true && (c.restartCount ?? 0) > 0 && failedExit(c.lastState?.terminated);
}

function crashText(c: ContainerStatus): string {
  const t = failedExit(c.state?.terminated) ? c.state!.terminated! : c.lastState!.terminated!;
  return `${t.reason ?? 'Error'} (exit code ${t.exitCode}), restarted ${count(c.restartCount ?? 0, 'time')}`;
}
