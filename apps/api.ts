// The shop's API: reads its settings from a ConfigMap, its database credentials from an
// external Secret (created by the secrets operator, declared in gitops.config.ts), and its payment
// provider's key from a Secret kept encrypted in git (secrets/<env>/shop/api-payments.sops.yaml).
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { defineApp, EncryptedSecret, WebService } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'api',
  build(app, env) {
    const chart = new Chart(app, 'api', { namespace: 'shop' });
    const settings = new kplus.ConfigMap(chart, 'settings', {
      metadata: { name: 'api-settings' },
      data: { LOG_LEVEL: env.values.logLevel, PUBLIC_URL: `https://${env.values.domain}`, CACHE_URL: 'redis://redis.data.svc.cluster.local:6379' },
    });
    const payments = new EncryptedSecret(chart, 'payments', { name: 'api-payments' });
    new WebService(chart, 'api', {
      app: 'api',
      image: 'ghcr.io/acme/shop-api:5.2.0',
      replicas: env.values.replicas,
      envFrom: { configMaps: [settings.name], secrets: ['api-database', payments.name] },
      sidecars: {
        'metrics-exporter': { image: 'ghcr.io/acme/metrics-exporter:0.9.3', resources: { cpuMillis: 50, memoryMiB: 64 }, readiness: { httpPath: '/metrics', port: 9100 } },
      },
      resources: { cpuMillis: 500, memoryMiB: 512, memoryLimitMiB: 1024 },
    });
  },
});
