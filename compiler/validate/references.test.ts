import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { configMap, deployment, namespace, podSpec, service, synthObject, testConfig } from './testing.ts';

function findings(objects: K8sObject[], external: Record<string, string[]> = {}) {
  return validate([namespace('shop'), ...objects].map((o) => synthObject(o)), testConfig({ external })).errors
    .filter((d) => d.rule === 'missing-reference' || d.rule === 'service-selects-nothing');
}

const ingress = (backend: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
});

describe('service-selects-nothing', () => {
  it('reports a Service whose selector matches no pod template in its namespace', () => {
    const [error] = findings([deployment('web'), service('web', 'shop', { app: 'webapp' })]);
    expect(error).toMatchObject({
      rule: 'service-selects-nothing', env: 'dev', app: 'web', object: 'Service shop/web',
      message: 'spec.selector app=webapp matches no pod template in namespace shop',
    });
    expect(error?.hint).toBe('Fix spec.selector or the pod labels; pod templates there: Deployment web has app=web.');
  });

  it('does not look into other namespaces', () => {
    const objects = [namespace('other'), deployment('web', 'other'), service('web')];
    expect(findings(objects).map((f) => f.rule)).toEqual(['service-selects-nothing']);
  });

  it('accepts a selector matched by any workload kind, and Services without selector', () => {
    const cronJob: K8sObject = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels: { app: 'report', tier: 'batch' } }, spec: { containers: [] } } } } },
    };
    const headless: K8sObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { ports: [{ port: 5432 }] } };
    expect(findings([deployment('web'), service('web'), cronJob, service('report', 'shop', { tier: 'batch' }), headless])).toEqual([]);
  });
});

describe('missing-reference: Ingress', () => {
  it('reports a backend Service that is missing', () => {
    const [error] = findings([ingress({ name: 'web', port: { number: 80 } })]);
    expect(error).toMatchObject({
      rule: 'missing-reference', object: 'Ingress shop/web',
      message: "spec.rules[0].http.paths[0].backend.service: Service 'web' not found in namespace shop",
    });
  });

  it('reports a port the Service does not have, by number or by name', () => {
    const base = [deployment('web'), service('web')];
    expect(findings([...base, ingress({ name: 'web', port: { number: 8080 } })]).map((f) => f.message))
      .toEqual(["spec.rules[0].http.paths[0].backend.service.port: Service 'web' has no port 8080 (it has: http (80))"]);
    expect(findings([...base, ingress({ name: 'web', port: { name: 'https' } })]).map((f) => f.message))
      .toEqual(["spec.rules[0].http.paths[0].backend.service.port: Service 'web' has no port named 'https' (it has: http (80))"]);
  });

  it('accepts a backend Service port given by number or by name', () => {
    const base = [deployment('web'), service('web')];
    expect(findings([...base, ingress({ name: 'web', port: { number: 80 } })])).toEqual([]);
    expect(findings([...base, ingress({ name: 'web', port: { name: 'http' } })])).toEqual([]);
  });
});

describe('missing-reference: pod templates', () => {
  function usingEverything(): K8sObject {
    const d = deployment('api');
    const spec = podSpec(d);
    spec.serviceAccountName = 'api';
    spec.imagePullSecrets = [{ name: 'registry' }];
    spec.volumes = [
      { name: 'config', configMap: { name: 'api-files' } },
      { name: 'certs', secret: { secretName: 'api-certs' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'api-data' } },
      { name: 'all', projected: { sources: [{ configMap: { name: 'api-projected' } }, { secret: { name: 'api-token' } }] } },
    ];
    spec.containers[0].env = [
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'api-env', key: 'a' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'api-secret', key: 'b' } } },
    ];
    spec.containers[0].envFrom = [{ configMapRef: { name: 'api-envfrom' } }, { secretRef: { name: 'api-secretfrom' } }];
    return d;
  }

  it('reports every missing ConfigMap, Secret, PVC and ServiceAccount with its field path', () => {
    const errors = findings([usingEverything()]);
    expect(errors.map((e) => e.message)).toEqual([
      "spec.template.spec.containers[0].envFrom[0].configMapRef: ConfigMap 'api-envfrom' not found in namespace shop",
      "spec.template.spec.containers[0].envFrom[1].secretRef: Secret 'api-secretfrom' not found in namespace shop",
      "spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef: ConfigMap 'api-env' not found in namespace shop",
      "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef: Secret 'api-secret' not found in namespace shop",
      "spec.template.spec.imagePullSecrets[0]: Secret 'registry' not found in namespace shop",
      "spec.template.spec.serviceAccountName: ServiceAccount 'api' not found in namespace shop",
      "spec.template.spec.volumes[0].configMap: ConfigMap 'api-files' not found in namespace shop",
      "spec.template.spec.volumes[1].secret: Secret 'api-certs' not found in namespace shop",
      "spec.template.spec.volumes[2].persistentVolumeClaim: PersistentVolumeClaim 'api-data' not found in namespace shop",
      "spec.template.spec.volumes[3].projected.sources[0].configMap: ConfigMap 'api-projected' not found in namespace shop",
      "spec.template.spec.volumes[3].projected.sources[1].secret: Secret 'api-token' not found in namespace shop",
    ]);
    expect(errors[0]).toMatchObject({ env: 'dev', app: 'web', object: 'Deployment shop/api', sourceFile: 'apps/web.ts' });
    const secretHint = errors.find((e) => e.message.includes("'api-certs'"))?.hint;
    expect(secretHint).toBe("Add the Secret to an app of environment dev, declare 'shop/api-certs' in external.secrets in gitops.config.ts, or mark the reference optional: true.");
    const pvcHint = errors.find((e) => e.message.includes("'api-data'"))?.hint;
    expect(pvcHint).toBe("Add the PersistentVolumeClaim to an app of environment dev or declare 'shop/api-data' in external.persistentVolumeClaims in gitops.config.ts.");
  });

  it('accepts references to objects in the set, declared external, or marked optional', () => {
    const d = usingEverything();
    podSpec(d).volumes[3].projected.sources[0].configMap.optional = true;
    podSpec(d).containers[0].envFrom[1].secretRef.optional = true;
    const objects = [
      d,
      configMap('api-files'),
      configMap('api-env', { a: '1' }),
      configMap('api-envfrom'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'api-data', namespace: 'shop' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ];
    const external = { secrets: ['shop/api-certs', 'shop/api-token', 'shop/api-secret', 'shop/registry'] };
    expect(findings(objects, external)).toEqual([]);
  });

  it('reports a configMapKeyRef key that the ConfigMap in the set does not have', () => {
    const d = usingEverything();
    podSpec(d).containers[0].env = [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'api-env', key: 'b' } } }];
    const messages = findings([d, configMap('api-env', { a: '1' })]).map((e) => e.message);
    expect(messages).toContain("spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key: ConfigMap 'api-env' has no key 'b' (it has: a)");
  });

  it("treats the 'default' ServiceAccount and StatefulSet claims as present", () => {
    const sts: K8sObject = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace: 'shop' },
      spec: {
        serviceName: 'redis', selector: { matchLabels: { app: 'redis' } },
        template: {
          metadata: { labels: { app: 'redis' } },
          spec: { serviceAccountName: 'default', containers: [{ name: 'redis', image: 'redis:7' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const backup: K8sObject = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'backup', namespace: 'shop' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'b', image: 'busybox:1' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-redis-0' } }] } } },
    };
    expect(findings([sts, backup])).toEqual([]);
  });
});
