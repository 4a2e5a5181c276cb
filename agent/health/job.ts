// Health of a Job: suspended, failed (with the controller's reason), complete, or still running.
import type { K8sObject } from '../types.ts';
import { conditionOf, explain, health, isTrue, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

interface JobStatus { active: number; succeeded: number; failed: number }

export function jobHealth(object: K8sObject): Health {
  const spec = specOf<{ suspend: boolean; completions: number }>(object);
  const status = statusOf<JobStatus>(object);
  // FailureTarget and SuccessCriteriaMet come first, while the last pods still terminate.
  const failed = [conditionOf(object, 'Failed'), conditionOf(object, 'FailureTarget')].find(isTrue);
  if (failed) return health(object, 'Degraded', `failed: ${explain(failed)}`);
  const succeeded = status.succeeded ?? 0;
  const completions = spec.completions ?? 1;
  if ([conditionOf(object, 'Complete'), conditionOf(object, 'SuccessCriteriaMet')].some(isTrue)) {
    return health(object, 'Healthy', `completed (${succeeded} of ${completions} succeeded)`);
  }
  if (spec.suspend) return health(object, 'Suspended', 'suspended');
  return health(object, 'Progressing', `running: ${status.active ?? 0} active, ${succeeded} of ${completions} succeeded, ${status.failed ?? 0} failed`);
}
