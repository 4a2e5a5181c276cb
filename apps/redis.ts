// Redis for the shop's cache: a StatefulSet with one PersistentVolumeClaim per replica and a
// headless Service; bigger volumes and a replica per zone in prod.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { defineApp, standardLabels } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

const { k8s } = kplus;

export default defineApp<Values>({
  name: 'redis',
  build(app, env) {
    const chart = new Chart(app, 'redis', { namespace: 'data' });
    const labels = standardLabels({ app: 'redis', component: 'cache', version: '7.4.1' });
    const replicas = env.name === 'prod' ? 3 : 1;
    new k8s.KubeService(chart, 'service', {
      metadata: { name: 'redis', labels },
      spec: { clusterIp: 'None', selector: labels, ports: [{ name: 'redis', port: 6379, targetPort: k8s.IntOrString.fromString('redis') }] },
    });
    new k8s.KubeStatefulSet(chart, 'statefulset', {
      metadata: { name: 'redis', labels },
      spec: {
        serviceName: 'redis',
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 999, fsGroup: 999 },
            containers: [{
              name: 'redis',
              image: 'redis:7.4.1-alpine',
              args: ['--appendonly', 'yes', '--maxmemory', env.name === 'prod' ? '1gb' : '128mb'],
              ports: [{ name: 'redis', containerPort: 6379 }],
              readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 15 },
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString(env.name === 'prod' ? '1280Mi' : '192Mi') },
                limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString(env.name === 'prod' ? '1280Mi' : '192Mi') },
              },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString(`${env.values.redisStorageGiB}Gi`) } } },
        }],
      },
    });
  },
});
