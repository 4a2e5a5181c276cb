// A CronJob on the test control plane: the cronjob controller starts its Job on schedule, kwok
// completes the Job's pod, and the agent's health check then sees the run succeed (as the
// example reports app's CronJob does where schedules are on).
import { describe, expect, it } from 'vitest';
import { waitForHealth } from '../../agent/health/wait.ts';
import { KubeClient } from '../../agent/kube.ts';
import type { K8sObject } from '../../agent/types.ts';
import { refOf } from '../../core/kinds.ts';
import { waitFor } from '../setup/wait-for.ts';
import { useTestNamespace } from '../setup/cluster.ts';

const ns = useTestNamespace({ prefix: 'cron' });

function everyMinute(namespace: string, name: string): K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.local/report:1.0.0' }] } } } },
    },
  };
}

describe('scheduled jobs on the test control plane', () => {
  it('runs a CronJob on schedule to a successful run, which its health check reports', async () => {
    const kube = new KubeClient(ns.connection);
    const cron = everyMinute(ns.name, 'tick');
    await kube.apply(cron);
    const target = [{ apiVersion: cron.apiVersion, ref: refOf(cron), app: 'reports' }];
    // The first run starts at the next full minute.
    const report = await waitFor('a run of the CronJob to succeed', () => waitForHealth(kube, target, { timeoutMs: 0, pollMs: 250 }),
      (r) => /succeeded$/.test(r.objects[0]?.message ?? ''), { timeoutMs: 80_000, intervalMs: 1_000 });
    expect(report.objects[0]).toMatchObject({ status: 'Healthy', message: expect.stringMatching(/^CronJob tick: last run scheduled at \S+ succeeded$/) });
  }, 90_000);
});
