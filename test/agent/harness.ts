// Test harness for the agent against the real control plane: revisions built from plain objects,
// a reconciler for a test-unique environment, and small readers for what landed in the cluster.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { K8sObject, Revision } from '../../agent/types.ts';
import { createReconciler, type Reconciler } from '../../agent/reconcile.ts';
import { ownerLabels } from '../../core/owner-labels.ts';
import { sharedCluster } from '../setup/cluster.ts';

export const quietLog = { info() {}, warn() {}, error() {} };

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A revision whose files are the given objects, laid out and labelled as the compiler renders them. */
export function revisionOf(env: string, apps: Record<string, K8sObject[]>, commit = randomBytes(20).toString('hex')): Revision {
  const files = new Map<string, string>();
  for (const [app, objects] of Object.entries(apps)) {
    for (const o of objects) files.set(`${app}/${o.metadata.namespace ?? '_cluster'}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, renderedYaml(env, app, o));
  }
  return { commit, env, files };
}

/** The YAML of an object as the compiler renders it for `app` in `env`: with its owner labels, which the agent checks. */
export function renderedYaml(env: string, app: string, o: K8sObject): string {
  return stringify({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...ownerLabels(app, env) } } }, { version: '1.1' });
}

export function reconcilerFor(env: string, namespace: string, overrides: Partial<Parameters<typeof createReconciler>[0]> = {}): Reconciler {
  return createReconciler({ connection: sharedCluster().connection, env, namespace, prune: true, allowEmpty: false, force: true, healthTimeoutMs: 0, log: quietLog, ...overrides });
}

export function configMap(namespace: string, name: string, data: Record<string, string> = { key: 'value' }, annotations?: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, data };
}

export function deployment(namespace: string, name: string, image = 'registry.local/app:1.0.0'): K8sObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

export function service(namespace: string, name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } };
}

export function namespaceObject(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
