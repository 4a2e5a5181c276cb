// Test helpers: SynthObjects from plain manifests, a resolved config from a raw one, and a few
// valid manifests to start from, so each rule's test states only what it is about.
import { resolveConfig, type GitopsConfig, type ResolvedConfig } from '../../core/config.ts';
import { refOf } from '../../core/kinds.ts';
import type { K8sObject, SynthObject } from '../../core/types.ts';

export interface Origin {
  readonly app?: string;
  readonly env?: string;
  readonly sourceFile?: string;
  readonly constructPath?: string;
}

/** A SynthObject as the synth stage would produce it (app 'web' in env 'dev' unless told). */
export function synthObject(object: K8sObject, origin: Origin = {}): SynthObject {
  const app = origin.app ?? 'web';
  return {
    ref: refOf(object),
    object,
    app,
    env: origin.env ?? 'dev',
    sourceFile: origin.sourceFile ?? `apps/${app}.ts`,
    constructPath: origin.constructPath ?? `${app}/${object.kind}-${object.metadata.name ?? ''}`,
  };
}

/** A resolved config with one environment 'dev' unless the raw config says otherwise. */
export function testConfig(raw: Partial<GitopsConfig> = {}): ResolvedConfig {
  return resolveConfig({ environments: { dev: { values: {} } }, ...raw }, 'gitops.config.ts');
}

export function namespace(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function configMap(name: string, data: Record<string, string> = { key: 'value' }, ns = 'shop'): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

/** A Deployment that passes every rule and policy: labels app=<name>, resources, probe, pinned image. */
export function deployment(name: string, ns = 'shop'): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{
            name: 'main',
            image: 'nginx:1.27',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          }],
        },
      },
    },
  };
}

export function service(name: string, ns = 'shop', selector: Record<string, string> = { app: name }): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

/** The pod spec of a Deployment made by `deployment`, to change in a test. */
export function podSpec(d: K8sObject): Record<string, any> {
  return (d as any).spec.template.spec;
}
