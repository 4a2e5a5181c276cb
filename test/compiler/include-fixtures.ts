// Manifests and an app that includes them, for the Include tests.

/** An app that includes `source` (a project path, or props as TypeScript: "{ url: ... }") into namespace 'shop' and then runs `changes` (TypeScript, with `include` and `env` in scope). */
export function includeApp(name: string, source: string, changes = ''): string {
  return `import { Chart } from 'cdk8s';
import { defineApp, Include } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
export default defineApp<Values>({
  name: '${name}',
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'shop' });
    const include = new Include(chart, 'legacy', ${source.startsWith('{') ? source : `{ path: '${source}' }`});
    ${changes}
  },
});
`;
}

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: legacy-web }
spec:
  replicas: 1
  selector: { matchLabels: { app: legacy-web } }
  template:
    metadata: { labels: { app: legacy-web } }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/legacy:1.2.3
          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 64Mi } }
          readinessProbe: { httpGet: { path: /healthz, port: 8080 } }
          volumeMounts: [{ name: cache, mountPath: /cache }]
      volumes: [{ name: cache, emptyDir: {} }]
`;
export const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { greeting: hello }
`;
export const SERVICE_LIST = JSON.stringify({
  apiVersion: 'v1', kind: 'List',
  items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'legacy-web' }, ports: [{ port: 80, targetPort: 8080 }] } }],
});
