// Health of a CronJob: suspended, its last run failed, or scheduling as it should. The runs
// themselves are Jobs, assessed on their own when listed.
import type { K8sObject } from '../types.ts';
import { health, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

interface CronJobStatus { active: unknown[]; lastScheduleTime: string; lastSuccessfulTime: string }

export function cronJobHealth(object: K8sObject): Health {
  if (specOf<{ suspend: boolean }>(object).suspend) return health(object, 'Suspended', 'suspended');
  const status = statusOf<CronJobStatus>(object);
  if (!status.lastScheduleTime) return health(object, 'Healthy', 'not run yet');
  if ((status.active ?? []).length > 0) return health(object, 'Healthy', `running the run scheduled at ${status.lastScheduleTime}`);
  // A run that succeeded finishes after it was scheduled; an older success means the last run failed.
  const lastSuccess = status.lastSuccessfulTime ? Date.parse(status.lastSuccessfulTime) : -Infinity;
  if (lastSuccess < Date.parse(status.lastScheduleTime)) {
    return health(object, 'Degraded', `the run scheduled at ${status.lastScheduleTime} did not succeed`);
  }
  return health(object, 'Healthy', `last run scheduled at ${status.lastScheduleTime} succeeded`);
}
