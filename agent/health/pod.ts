// Health of a Pod: completed, failed, a container that cannot start or keeps crashing, not yet
// scheduled or ready, or running and ready.
import type { K8sObject } from '../types.ts';
import { conditionOf, explain, health, isTrue, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
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
  const containers = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
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
  const scheduled = conditionOf(object, 'PodScheduled');
  if (!isTrue(scheduled)) return health(object, 'Progressing', scheduled ? `not scheduled: ${explain(scheduled)}` : 'not scheduled yet');
  const ready = conditionOf(object, 'Ready');
  if (!isTrue(ready)) return health(object, 'Progressing', ready ? `not ready: ${explain(ready)}` : `${status.phase ?? 'Pending'}, not ready`);
  // A pod meant to run to completion is not done while it runs.
  const restartPolicy = specOf<{ restartPolicy: string }>(object).restartPolicy ?? 'Always';
  if (restartPolicy !== 'Always') return health(object, 'Progressing', 'running to completion');
  return health(object, 'Healthy', 'running and ready');
}

function terminations(containers: ContainerStatus[]): string {
  const failed = containers.filter((c) => c.state?.terminated && c.state.terminated.exitCode !== 0);
  return failed.map((c) => `container ${c.name}: ${c.state!.terminated!.reason ?? 'Error'} (exit code ${c.state!.terminated!.exitCode})`).join(', ') || 'no reason given';
}
