// End to end: each fixture project under test/fixtures/validation triggers one validation rule
// through `compile` (discover, bundle, synth, validate), and the test asserts the messages.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../compiler/compile.ts';
import type { Diagnostic } from '../../core/types.ts';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'validation');

const projects: TestProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

/** Compiles a fixture without writing; every finding as 'severity rule env app sourceFile object: message'. */
async function findings(fixture: string): Promise<{ lines: string[]; all: Diagnostic[] }> {
  const dir = join(FIXTURES, fixture);
  const files: Record<string, string> = {};
  for (const file of readdirSync(join(dir, 'apps'), { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts')) files[`apps/${file}`] = readFileSync(join(dir, 'apps', file), 'utf8');
  }
  const ownConfig = join(dir, 'gitops.config.ts');
  const config = readFileSync(existsSync(ownConfig) ? ownConfig : join(FIXTURES, 'gitops.config.ts'), 'utf8');
  const project = makeProject(files, { config });
  projects.push(project);
  const outcome = await compile({ root: project.root, typecheck: false, write: false });
  const all = [...outcome.report.errors, ...outcome.report.warnings];
  return { all, lines: all.map((d) => `${d.severity} ${d.rule} ${d.env} ${d.app} ${d.sourceFile} ${d.object}: ${d.message}`) };
}

/** The same finding in both environments (every fixture renders for dev and prod). */
const inBoth = <T,>(line: (env: string) => T): T[] => ['dev', 'prod'].map(line);

const EXPECTED: Record<string, string[]> = {
  'schema': inBoth((env) => [
    `error schema ${env} web apps/web.ts Deployment shop/web: spec.replicas: must be integer`,
    `error schema ${env} web apps/web.ts Deployment shop/web: spec.template.spec.containers[0].resource: unknown field (did you mean 'resources'?)`,
  ]).flat(),
  'crd-schema': inBoth((env) => [
    `error schema ${env} widgets apps/widgets.ts Widget shop/big: spec.color: unknown field (did you mean 'colour'?)`,
    `error schema ${env} widgets apps/widgets.ts Widget shop/big: spec.size: must be integer`,
  ]).flat(),
  'crd-unchecked': inBoth((env) => `warn schema ${env} certs apps/certs.ts Certificate shop/shop-tls: unchecked: no CRD for cert-manager.io/Certificate in the set`),
  'duplicate-object': inBoth((env) =>
    `error duplicate-object ${env} web apps/web.ts ConfigMap shop/settings: defined twice in environment ${env}: ` +
    'by app api (apps/api.ts, construct api/settings/Resource) and by app web (apps/web.ts, construct web/settings/Resource)'),
  'missing-namespace': inBoth((env) =>
    `error missing-namespace ${env} reports apps/reports.ts ConfigMap reporting/report-settings: namespace 'reporting' is neither a Namespace in environment ${env} nor declared external`),
  'service-selects-nothing': inBoth((env) =>
    `error service-selects-nothing ${env} web apps/web.ts Service shop/frontend: spec.selector app.kubernetes.io/name=frontend matches no pod template in namespace shop`),
  'missing-reference': inBoth((env) =>
    `error missing-reference ${env} api apps/api.ts Deployment shop/api: spec.template.spec.containers[0].envFrom[0].configMapRef: ConfigMap 'api-settings' not found in namespace shop`),
  'ingress-backend': inBoth((env) =>
    `error missing-reference ${env} web apps/web.ts Ingress shop/web: spec.rules[0].http.paths[0].backend.service.port: Service 'web' has no port 8443 (it has: http (80))`),
  'secret-data': inBoth((env) =>
    `error secret-data ${env} api apps/api.ts Secret shop/api-password: Secret carries data (stringData.password) that would be committed in plain text`),
  'invalid-name': inBoth((env) =>
    `error invalid-name ${env} web apps/web.ts ConfigMap shop/Web_Settings: metadata.name 'Web_Settings' is invalid for a ConfigMap: it must be a DNS-1123 subdomain: ` +
    "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters"),
  'invalid-label': inBoth((env) =>
    `error invalid-label ${env} web apps/web.ts ConfigMap shop/web-settings: metadata.labels.team: invalid label value 'store front': ` +
    "it must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit"),
  'invalid-value': inBoth((env) => [
    `error invalid-value ${env} web apps/web.ts Deployment shop/web: spec.replicas: -1 must be greater than or equal to 0`,
    `error invalid-value ${env} web apps/web.ts Service shop/web: spec.ports[0].port: 80800 must be between 1 and 65535, inclusive`,
  ]).flat(),
  'policies': [['error', 'prod'], ['warn', 'dev']].flatMap(([severity, env]) => [
    `${severity} policy/no-latest-image ${env} web apps/web.ts Deployment shop/web: containers[0] (web) image 'nginx:latest' uses the :latest tag`,
    `${severity} policy/readiness-probe ${env} web apps/web.ts Deployment shop/web: containers[0] (web) has no readinessProbe`,
    `${severity} policy/resources-required ${env} web apps/web.ts Deployment shop/web: containers[0] (web) has no resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory`,
  ]),
};

describe('validation fixtures', () => {
  it('has a fixture for every folder', () => {
    const folders = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [fixture, expected] of Object.entries(EXPECTED)) {
    it(`${fixture}: reports exactly its findings`, async () => {
      expect((await findings(fixture)).lines).toEqual(expected);
    });
  }

  it('names the construct path and says what to do', async () => {
    const [missing] = (await findings('missing-reference')).all;
    expect(missing).toMatchObject({ constructPath: 'api/api/deployment/Resource' });
    expect(missing?.hint).toBe("Add the ConfigMap to an app of environment dev, declare 'shop/api-settings' in external.configMaps in gitops.config.ts, or mark the reference optional: true.");
    const [selects] = (await findings('service-selects-nothing')).all;
    expect(selects?.hint).toBe('Fix spec.selector or the pod labels; pod templates there: Deployment web has app.kubernetes.io/name=web.');
  });
});
