// Include: objects from YAML/JSON files and folders of the project, validated and owned like constructed ones,
// with the file and document in every finding, typed per-environment changes, and a bad file reported as such.
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

/** An app that includes `path` into namespace 'shop' and then runs `changes` (TypeScript, with `include` and `env` in scope). */
export function includeApp(name: string, path: string, changes = ''): string {
  return `import { Chart } from 'cdk8s';
import { defineApp, Include } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
export default defineApp<Values>({
  name: '${name}',
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'shop' });
    const include = new Include(chart, 'legacy', { path: '${path}' });
    ${changes}
  },
});
`;
}

const DEPLOYMENT = `apiVersion: apps/v1
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
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata: { name: web-config }
data: { greeting: hello }
`;
const SERVICE_LIST = JSON.stringify({
  apiVersion: 'v1', kind: 'List',
  items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'legacy-web' }, ports: [{ port: 80, targetPort: 8080 }] } }],
});

describe('Include of project files', () => {
  it('renders every object of a folder (sorted, multi-document, Lists unwrapped, empty documents skipped), changed per environment', async () => {
    p = makeProject({
      'apps/legacy.ts': includeApp('legacy', 'manifests/legacy', `include.find({ kind: 'Deployment', name: 'web' }).set(['spec', 'replicas'], env.values.replicas).addLabels({ tier: env.name });
    if (env.name === 'prod') include.drop({ kind: 'ConfigMap', name: 'web-config' });`),
      'manifests/legacy/a.yaml': `${CONFIGMAP}---\n# nothing here\n---\n${DEPLOYMENT}`,
      'manifests/legacy/z/services.json': SERVICE_LIST,
      'manifests/legacy/README.md': 'not a manifest',
    });
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    const dev = p.read('dist/dev/legacy/shop/deployment-web.yaml');
    expect(dev).toContain('replicas: 1');
    expect(dev).toContain('tier: dev');
    expect(dev).toContain('emptyDir: {}');
    expect(p.read('dist/prod/legacy/shop/deployment-web.yaml')).toContain('replicas: 3');
    expect(p.read('dist/dev/legacy/shop/service-web.yaml')).toContain('targetPort: 8080');
    expect(p.read('dist/dev/legacy/shop/configmap-web-config.yaml')).toContain('greeting: hello');
    expect(Object.keys(Object.fromEntries(p.snapshot('dist/prod')))).not.toContain('legacy/shop/configmap-web-config.yaml');
    const manifest = JSON.parse(p.read('dist/dev.manifest.json'));
    console.log(JSON.stringify(manifest).slice(0, 2000));
  });
});
