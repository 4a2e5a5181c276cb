// `gitops import` of real CRDs fetched through the Go module proxy, as the test control plane fetches its
// sources (once; then from the Go module cache): Gateway API's standard channel and prometheus-operator's
// monitoring CRDs. The generated modules type-check, and an app with an HTTPRoute and a ServiceMonitor synths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { runImport, type ImportResult } from '../../compiler/import/import-command.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const GATEWAY_API = 'gomod:sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard';
const PROMETHEUS_OPERATOR = 'gomod:github.com/prometheus-operator/prometheus-operator@v0.85.0/example/prometheus-operator-crd';

const app = (port: string) => `import { Chart } from 'cdk8s';
import { defineApp, WebService } from 'typed-gitops/lib';
import { Gateway, HttpRoute } from '../imports/gateway.networking.k8s.io.ts';
import { ServiceMonitor } from '../imports/monitoring.coreos.com.ts';
export default defineApp({
  name: 'web',
  build(app) {
    const chart = new Chart(app, 'web', { namespace: 'shop' });
    new WebService(chart, 'web', { app: 'web', image: 'ghcr.io/acme/web:1.0.0', replicas: 1 });
    new Gateway(chart, 'gateway', { metadata: { name: 'public' }, spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } });
    new HttpRoute(chart, 'route', {
      metadata: { name: 'web' },
      spec: { parentRefs: [{ name: 'public' }], hostnames: ['shop.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] }] },
    });
    new ServiceMonitor(chart, 'monitor', { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: ${port}, interval: '30s' }] } });
  },
});
`;

let p: TestProject;
let result: ImportResult;
let seconds: number;
beforeAll(async () => {
  p = makeProject({ 'apps/web.ts': app("'http'") });
  const start = performance.now();
  result = await runImport({ root: p.root, sources: [GATEWAY_API, PROMETHEUS_OPERATOR] });
  seconds = (performance.now() - start) / 1000;
}, 300_000);
afterAll(() => p?.cleanup());

describe('gitops import of real CRDs from Go modules', () => {
  it('imports every kind with its served versions, quickly once the modules are cached', () => {
    const kinds = Object.fromEntries(result.groups.map((g) => [g.group, g.kinds]));
    expect(kinds['gateway.networking.k8s.io']).toEqual(expect.arrayContaining(['HTTPRoute (v1, v1beta1)', 'Gateway (v1, v1beta1)', 'GRPCRoute (v1)', 'ReferenceGrant (v1, v1beta1)']));
    expect(kinds['monitoring.coreos.com']).toEqual(expect.arrayContaining(['ServiceMonitor (v1)', 'PodMonitor (v1)', 'Prometheus (v1)', 'AlertmanagerConfig (v1alpha1)']));
    expect(result.skipped.map((s) => s.document).join('\n')).toMatch(/ValidatingAdmissionPolicy/); // not CRDs: named, skipped
    const module = p.read('imports/gateway.networking.k8s.io.ts');
    expect(module).toContain('export class HttpRouteV1Beta1 extends cdk8s.ApiObject');
    expect(module).toMatch(/\/\*\*\n \* HTTPRoute provides a way to route HTTP requests\./);
    console.log(`import of ${result.groups.flatMap((g) => g.kinds).length} CRDs: ${seconds.toFixed(1)} s`);
  });

  it('the generated code type-checks and an app with an HTTPRoute and a ServiceMonitor synths', async () => {
    const outcome = await compile({ root: p.root });
    expect(outcome.report.errors.map(formatDiagnostic).join('\n')).toBe('');
    expect(outcome.report.warnings.map(formatDiagnostic).join('\n')).not.toMatch(/unchecked/);
    expect(p.read('dist/prod/web/shop/httproute-web.yaml')).toMatch(/^apiVersion: gateway.networking.k8s.io\/v1\nkind: HTTPRoute\n/);
    expect(p.read('dist/prod/web/shop/servicemonitor-web.yaml')).toContain('port: http');
  }, 120_000);

  it('a wrong field in a ServiceMonitor is a type error, and a schema finding without the type-check', async () => {
    p.write('apps/web.ts', app('8080'));
    const typed = await compile({ root: p.root, write: false });
    expect(typed.report.errors.filter((e) => e.rule === 'typecheck').map((e) => e.message).join('\n')).toMatch(/Type 'number' is not assignable to type 'string'/);
    const untyped = await compile({ root: p.root, typecheck: false, write: false });
    expect(untyped.report.errors.map((e) => `${e.app} ${e.sourceFile} ${e.object}: ${e.message}`)).toContain('web apps/web.ts ServiceMonitor shop/web: spec.endpoints[0].port: must be string');
  }, 120_000);
});
