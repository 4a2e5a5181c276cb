// The health check of every kind on YAML fixtures of real objects (testdata/<kind>-<case>.yaml;
// most were read from the test control plane, the rest derived from those, as each file's
// first-line comment says), one row per fixture: its status and message.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { K8sObject } from '../types.ts';
import { assessHealth } from './index.ts';
import type { HealthStatus } from './types.ts';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (name: string) => parse(readFileSync(join(testdata, `${name}.yaml`), 'utf8')) as K8sObject;

const cases: [fixture: string, status: HealthStatus, message: string][] = [
  ['cronjob-degraded', 'Degraded', "CronJob nightly: the run scheduled at 2026-11-26T07:23:00Z did not succeed"],
  ['cronjob-healthy-not-run', 'Healthy', "CronJob nightly: not run yet"],
  ['cronjob-healthy-running', 'Healthy', "CronJob nightly: running the run scheduled at 2026-11-26T07:23:00Z"],
  ['cronjob-healthy', 'Healthy', "CronJob nightly: last run scheduled at 2026-11-26T07:21:00Z succeeded"],
  ['cronjob-suspended', 'Suspended', "CronJob paused: suspended"],
  ['customresourcedefinition-degraded', 'Degraded', "CustomResourceDefinition gadgets.example.com: names not accepted: KindConflict: \"Widget\" is already in use"],
  ['customresourcedefinition-degraded-nonstructural', 'Degraded', "CustomResourceDefinition legacies.example.com: schema not structural: Violations: spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields"],
  ['customresourcedefinition-healthy', 'Healthy', "CustomResourceDefinition widgets.example.com: established"],
  ['customresourcedefinition-progressing', 'Progressing', "CustomResourceDefinition widgets.example.com: not established yet"],
  ['daemonset-healthy-on-delete', 'Healthy', "DaemonSet agent: 3 of 3 pods available"],
  ['daemonset-healthy', 'Healthy', "DaemonSet agent: 1 of 1 pod available"],
  ['daemonset-progressing-rollout', 'Progressing', "DaemonSet agent: 1 of 3 pods updated"],
  ['daemonset-progressing-unavailable', 'Progressing', "DaemonSet agent: 2 of 3 pods available"],
  ['daemonset-progressing-unobserved', 'Progressing', "DaemonSet agent: spec change (generation 3) not yet observed by its controller (observed 1)"],
  ['deployment-degraded-deadline', 'Degraded', "Deployment stuck: rollout stuck: ProgressDeadlineExceeded, 0 of 2 replicas available"],
  ['deployment-degraded-replica-failure', 'Degraded', "Deployment web: cannot create pods: FailedCreate: pods \"web-5dcbc77d95-x2x9z\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"],
  ['deployment-healthy', 'Healthy', "Deployment web: 3 of 3 replicas available"],
  ['deployment-progressing-old-replicas', 'Progressing', "Deployment web: 1 old replica pending termination"],
  ['deployment-progressing-rollout', 'Progressing', "Deployment web: 2 of 3 replicas updated"],
  ['deployment-progressing-unavailable', 'Progressing', "Deployment stuck: 0 of 2 replicas available"],
  ['deployment-progressing-unobserved', 'Progressing', "Deployment web: spec change (generation 5) not yet observed by its controller (observed 4)"],
  ['deployment-suspended', 'Suspended', "Deployment web: rollout paused"],
  ['generic-degraded-not-ready', 'Degraded', "Certificate web-tls: not issued: Failed: The certificate request has failed to complete and will be retried: Failed to wait for order resource \"web-tls-1-3721\" to become ready: order is in \"errored\" state"],
  ['generic-degraded-stalled', 'Degraded', "HelmRelease redis: stalled: RetriesExceeded: Failed to install after 1 attempt(s)"],
  ['generic-healthy-no-status', 'Healthy', "ConfigMap settings: no status to assess"],
  ['generic-healthy-ready', 'Healthy', "Kustomization infra: ready"],
  ['generic-progressing-deleting', 'Progressing', "ConfigMap held: being deleted"],
  ['generic-progressing-reconciling', 'Progressing', "Kustomization infra: reconciling: ProgressingWithRetry: Reconciliation in progress"],
  ['generic-progressing-stale-ready', 'Progressing', "Certificate web-tls: Ready condition is for generation 1, not 2"],
  ['generic-progressing-unobserved', 'Progressing', "Kustomization infra: spec change (generation 3) not yet observed by its controller (observed 2)"],
  ['horizontalpodautoscaler-degraded-target', 'Degraded', "HorizontalPodAutoscaler web: cannot scale: FailedGetScale: the HPA controller was unable to get the target's current scale: deployments/scale.apps \"web\" not found"],
  ['horizontalpodautoscaler-degraded-v1', 'Degraded', "HorizontalPodAutoscaler web: not scaling: FailedGetResourceMetric: the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"],
  ['horizontalpodautoscaler-degraded', 'Degraded', "HorizontalPodAutoscaler web: not scaling: FailedGetResourceMetric: the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"],
  ['horizontalpodautoscaler-healthy', 'Healthy', "HorizontalPodAutoscaler web: 3 replicas, 3 desired"],
  ['horizontalpodautoscaler-progressing', 'Progressing', "HorizontalPodAutoscaler web: waiting for the autoscaler to assess it"],
  ['horizontalpodautoscaler-suspended', 'Suspended', "HorizontalPodAutoscaler web: scaling disabled: ScalingDisabled: scaling is disabled since the replica count of the target is zero"],
  ['ingress-healthy-address', 'Healthy', "Ingress web: address lb-1234.example.net"],
  ['ingress-healthy', 'Healthy', "Ingress web: no address published"],
  ['job-degraded', 'Degraded', "Job deadline: failed: DeadlineExceeded: Job was active longer than specified deadline"],
  ['job-healthy', 'Healthy', "Job migrate: completed (1 of 1 succeeded)"],
  ['job-progressing', 'Progressing', "Job running: running: 1 active, 0 of 1 succeeded, 0 failed"],
  ['job-suspended', 'Suspended', "Job held: suspended"],
  ['namespace-healthy', 'Healthy', "Namespace h: active"],
  ['namespace-progressing', 'Progressing', "Namespace leaving: terminating: Some resources are remaining: configmaps. has 1 resource instances; Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"],
  ['persistentvolumeclaim-degraded', 'Degraded', "PersistentVolumeClaim bound: volume pv-data lost"],
  ['persistentvolumeclaim-healthy', 'Healthy', "PersistentVolumeClaim bound: bound to volume pv-data"],
  ['persistentvolumeclaim-progressing', 'Progressing', "PersistentVolumeClaim data: waiting for a volume (Pending)"],
  ['pod-degraded-crashloop', 'Degraded', "Pod db-0: container app: CrashLoopBackOff: back-off 2m40s restarting failed container=app pod=db-0_h(5b0c6f3e)"],
  ['pod-degraded-exited', 'Degraded', "Pod db-0: container app: Error (exit code 1), restarted 5 times"],
  ['pod-degraded-restarted', 'Degraded', "Pod db-0: container app: Error (exit code 1), restarted 5 times"],
  ['pod-degraded-failed', 'Degraded', "Pod db-0: failed: container app: OOMKilled (exit code 137)"],
  ['pod-healthy-succeeded', 'Healthy', "Pod migrate-hxvz9: completed"],
  ['pod-healthy', 'Healthy', "Pod db-0: running and ready"],
  ['pod-progressing-not-ready', 'Progressing', "Pod db-0: not ready: ContainersNotReady: containers with unready status: [app]"],
  ['pod-progressing-running-to-completion', 'Progressing', "Pod db-0: running to completion"],
  ['pod-progressing-unschedulable', 'Progressing', "Pod pending-0: not scheduled: Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."],
  ['pod-unknown', 'Unknown', "Pod db-0: state unknown: NodeLost"],
  ['replicaset-degraded-replica-failure', 'Degraded', "ReplicaSet stuck-b9688f8c: cannot create pods: FailedCreate: pods \"stuck-b9688f8c-x2x9z\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"],
  ['replicaset-healthy', 'Healthy', "ReplicaSet probe-6f8cbd49cf: 1 of 1 replica available"],
  ['replicaset-progressing', 'Progressing', "ReplicaSet stuck-b9688f8c: 0 of 2 replicas available"],
  ['service-healthy-load-balancer', 'Healthy', "Service lb: load balancer at 203.0.113.10"],
  ['service-healthy-load-balancer-no-address', 'Healthy', "Service lb: load balancer provisioned (no address published)"],
  ['service-healthy', 'Healthy', "Service web: ClusterIP"],
  ['service-progressing-load-balancer', 'Progressing', "Service lb: waiting for a load balancer address"],
  ['statefulset-healthy-partition', 'Healthy', "StatefulSet db: 2 of 2 replicas ready"],
  ['statefulset-healthy', 'Healthy', "StatefulSet db: 2 of 2 replicas ready"],
  ['statefulset-progressing-rollout', 'Progressing', "StatefulSet db: 1 of 2 replicas updated"],
  ['statefulset-progressing-unobserved', 'Progressing', "StatefulSet db: spec change (generation 3) not yet observed by its controller (observed 1)"],
  ['statefulset-progressing-unready', 'Progressing', "StatefulSet pending: 0 of 2 replicas ready"],
];

describe('assessHealth on fixtures', () => {
  it.each(cases)('%s is %s', (name, status, message) => {
    expect(assessHealth(fixture(name))).toEqual({ status, message });
  });

  it('has a row for every fixture', () => {
    const files = readdirSync(testdata).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
    expect(cases.map(([name]) => name).sort()).toEqual(files);
  });
});
