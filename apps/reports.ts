// A nightly sales report: a CronJob in the ops namespace, suspended where schedules are off (dev).
import { Chart } from 'cdk8s';
import { defineApp, ScheduledJob } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'reports',
  build(app, env) {
    const chart = new Chart(app, 'reports', { namespace: 'ops' });
    new ScheduledJob(chart, 'nightly-sales', {
      app: 'reports',
      image: 'ghcr.io/acme/reports:1.8.0',
      schedule: '30 2 * * *',
      args: ['sales', '--since=24h', `--log-level=${env.values.logLevel}`],
      suspend: !env.values.runSchedules,
      resources: { cpuMillis: 200, memoryMiB: 256 },
    });
  },
});
