// Writes the two benchmark projects for N services under .gitops-cache/bench/<N>/: `ours` (one app file
// per chart) and `cdk8s` (one main.ts, cdk8s's default ts-node app), both on the one shared ServiceChart.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SERVICES_PER_CHART = 10;
export const OBJECTS_PER_SERVICE = 7;
export const NAMESPACE = 'bench';
const DOMAIN = 'bench.example.com';

export interface BenchProjects {
  readonly services: number;
  readonly charts: number;
  /** Our project folder (gitops.config.ts, apps/, tsconfig.json). */
  readonly ours: string;
  /** The cdk8s project folder (cdk8s.yaml, main.ts, tsconfig.json). */
  readonly cdk8s: string;
}

export function chartName(index: number): string {
  return `chart-${String(index).padStart(3, '0')}`;
}

/** The app file of one chart; `release` is the value an edit changes in watch mode. */
export function appSource(index: number, release = 'r0'): string {
  const name = chartName(index);
  return `// Benchmark app ${name}: services ${index * SERVICES_PER_CHART} to ${index * SERVICES_PER_CHART + SERVICES_PER_CHART - 1} of the shared ServiceChart.
import { defineApp } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
import { ServiceChart } from '../../shared/service-chart.ts';

export default defineApp<Values>({
  name: '${name}',
  build(app, env) {
    new ServiceChart(app, '${name}', { namespace: '${NAMESPACE}', first: ${index * SERVICES_PER_CHART}, count: ${SERVICES_PER_CHART}, domain: env.values.domain, release: '${release}' });
  },
});
`;
}

const OURS_CONFIG = `// Benchmark project: one environment, the namespace and TLS secret provided outside the repo.
import { defineConfig } from 'typed-gitops/config';

export interface Values {
  readonly domain: string;
}

export default defineConfig<Values>({
  environments: { bench: { values: { domain: '${DOMAIN}' } } },
  external: { namespaces: ['${NAMESPACE}'], secrets: ['${NAMESPACE}/wildcard-tls'] },
  policies: { 'resources-required': 'error', 'no-latest-image': 'error', 'readiness-probe': 'error' },
});
`;

/** Same compiler options as the repo's own tsconfig.json. */
const OURS_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
    skipLibCheck: true, esModuleInterop: true, allowImportingTsExtensions: true, types: ['node'],
  },
  include: ['gitops.config.ts', 'apps'],
};

/** The loop body, in JS or TS, that adds chart `c` (a loop variable) to `app` as cdk8s's main.ts does: for the cdk8s peer and the floor. */
export function serviceChartOfLoop(): string {
  return `const name = 'chart-' + String(c + 1000).slice(1);
  new ServiceChart(app, name, { namespace: '${NAMESPACE}', first: c * ${SERVICES_PER_CHART}, count: ${SERVICES_PER_CHART}, domain: '${DOMAIN}', release: 'r0' });`;
}

function cdk8sMain(charts: number): string {
  return `// Benchmark cdk8s app: ${charts} ServiceCharts of ${SERVICES_PER_CHART} services in one App.
import { App } from 'cdk8s';
import { ServiceChart } from '../shared/service-chart';

const app = new App();
for (let c = 0; c < ${charts}; c++) {
  ${serviceChartOfLoop()}
}
app.synth();
`;
}


/** Creates or refreshes the projects; files are only rewritten when their content changes (keeps caches warm). */
export function generateProjects(repoRoot: string, services: number): BenchProjects {
  const charts = Math.ceil(services / SERVICES_PER_CHART);
  const base = join(repoRoot, '.gitops-cache', 'bench', String(services));
  const ours = join(base, 'ours');
  const cdk8s = join(base, 'cdk8s');
  // CommonJS scope, so cdk8s's ts-node (CommonJS) can load it; our bundler takes either.
  writeIfChanged(join(base, 'shared', 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  writeIfChanged(join(base, 'shared', 'service-chart.ts'), readFileSync(join(repoRoot, 'bench', 'fixture', 'service-chart.ts'), 'utf8'));

  writeIfChanged(join(ours, 'gitops.config.ts'), OURS_CONFIG);
  writeIfChanged(join(ours, 'tsconfig.json'), `${JSON.stringify(OURS_TSCONFIG, null, 2)}\n`);
  for (let c = 0; c < charts; c++) writeIfChanged(join(ours, 'apps', `${chartName(c)}.ts`), appSource(c));

  writeIfChanged(join(cdk8s, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  writeIfChanged(join(cdk8s, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
  writeIfChanged(join(cdk8s, 'tsconfig.json'), readFileSync(join(repoRoot, 'node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json'), 'utf8'));
  linkTypescript5(repoRoot, cdk8s);
  writeIfChanged(join(cdk8s, 'main.ts'), cdk8sMain(charts));
  return { services, charts, ours, cdk8s };
}

/**
 * A cdk8s project has its own TypeScript 5 (the template's `typescript: 5.9.x`); ts-node needs its JS API,
 * which our TypeScript 7 lacks. Link node_modules/typescript of the cdk8s project to the repo's typescript-5.
 */
function linkTypescript5(repoRoot: string, cdk8s: string): void {
  const link = join(cdk8s, 'node_modules', 'typescript');
  if (existsSync(link)) return;
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules', 'typescript-5'), link, 'dir');
}

export function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
