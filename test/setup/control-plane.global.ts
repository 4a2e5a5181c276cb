// vitest global setup of the `cluster` project: starts one control plane per test
// run and hands its kubeconfig to the tests (inject('controlPlane')), stops it at
// teardown. TEST_CLUSTER_KUBECONFIG points the tests at an already running plane
// (e.g. from `npm run cluster:up`) instead; that one is left running.
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../controlplane/control-plane.js';
import type { ProvidedControlPlane } from './provided.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.TEST_CLUSTER_KUBECONFIG;
  if (existing) {
    project.provide('controlPlane', { kubeconfigPath: existing } satisfies ProvidedControlPlane);
    return async () => {};
  }
  const log = (line: string) => console.error(`[control plane] ${line}`);
  const cp = await startControlPlane({ log });
  project.provide('controlPlane', { kubeconfigPath: cp.kubeconfigPath } satisfies ProvidedControlPlane);
  return () => cp.stop();
}
