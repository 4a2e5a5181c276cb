// The shop's web frontend: public Ingress with TLS, autoscaled in prod, fixed size in dev.
import { Chart } from 'cdk8s';
import { defineApp, WebService } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'web',
  build(app, env) {
    const chart = new Chart(app, 'web', { namespace: 'shop' });
    const { autoscale } = env.values;
    new WebService(chart, 'storefront', {
      app: 'web',
      image: 'ghcr.io/acme/storefront:2.14.1',
      port: 3000,
      replicas: env.values.replicas,
      autoscale: autoscale && { minReplicas: autoscale.min, maxReplicas: autoscale.max },
      ingress: { host: env.values.domain, tlsSecret: 'shop-tls' },
      env: { API_URL: 'http://api.shop.svc.cluster.local', LOG_LEVEL: env.values.logLevel },
      resources: { cpuMillis: 250, memoryMiB: 256 },
    });
  },
});
