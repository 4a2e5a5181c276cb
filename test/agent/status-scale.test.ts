// The status of a reconcile of 25,000 objects, published to a real kube-apiserver and read back by `gitops status`.
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeClient } from '../../agent/kube.ts';
import { publishStatus, statusName } from '../../agent/status.ts';
import { formatStatus, readStatus } from '../../agent/status-command.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { createdResult, hugeResult } from './status-results.ts';

const ns = useTestNamespace({ prefix: 'status' });

describe('status at scale', () => {
  it('publishes the status of 25,000 created objects and of 25,000 changes with long messages, and gitops status reads them', async () => {
    const kube = new KubeClient(ns.connection);
    for (const result of [createdResult(25_000), hugeResult(25_000)]) {
      await publishStatus(kube, ns.name, result);
      const stored = await readStatus(ns.connection, ns.name, result.env);
      expect(stored.revision).toBe(result.revision);
      expect(Object.values(stored.counts!).reduce((a, b) => a + b)).toBe(25_000);
      expect(formatStatus(stored)).toMatch(result.ok ? /25000 created/ : /… and \d+ more failed/);
    }
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const events = (await core.listNamespacedEvent({ namespace: ns.name })).items.filter((e) => e.involvedObject.name === statusName('bench'));
    expect(events.map((e) => e.reason).sort()).toEqual(['ReconcileFailed', 'ReconcileSucceeded']);
  });
});
