// ScheduledJob: a CronJob that runs one container on a schedule, never two at once.
import { Construct } from 'constructs';
import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { containerOptions, workloadLabels, type ContainerSpec } from './workload.ts';

export interface ScheduledJobProps extends ContainerSpec {
  /** The app this job belongs to (for labels). */
  readonly app: string;
  /** Cron expression in the cluster's time zone, e.g. '0 3 * * *'. */
  readonly schedule: string;
  /** @default 2 */
  readonly retries?: number;
  /** Stop a run that takes longer. @default 1 hour */
  readonly timeout?: Duration;
  /** Keep this many finished jobs of each outcome. @default 3 */
  readonly history?: number;
  /** Suspend the schedule (e.g. in dev). @default false */
  readonly suspend?: boolean;
}

export class ScheduledJob extends Construct {
  readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const labels = workloadLabels(id, props);
    const [minute, hour, day, month, weekDay] = props.schedule.trim().split(/\s+/);
    this.cronJob = new kplus.CronJob(this, 'cronjob', {
      metadata: { name: id, labels },
      podMetadata: { labels },
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      backoffLimit: props.retries ?? 2,
      activeDeadline: props.timeout ?? Duration.hours(1),
      successfulJobsRetained: props.history ?? 3,
      failedJobsRetained: props.history ?? 3,
      suspend: props.suspend ?? false,
    });
    this.cronJob.addContainer(containerOptions('job', props));
  }
}
