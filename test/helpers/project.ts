// Test helper: a throwaway project folder (gitops.config.ts, apps/, tsconfig.json) inside the repo's
// git-ignored .gitops-cache, so `typed-gitops/*` and node_modules resolve as they do for users.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export const BASIC_CONFIG = `import { defineConfig } from 'typed-gitops/config';
export interface Values { readonly replicas: number; readonly host: string }
export default defineConfig<Values>({
  environments: {
    dev: { values: { replicas: 1, host: 'dev.example.com' } },
    prod: { values: { replicas: 3, host: 'example.com' } },
  },
  external: { namespaces: ['shop'] },
});
`;

/** A small valid app: a WebService in namespace 'shop', sized by the environment. */
export function webApp(name: string, image = 'ghcr.io/acme/web:1.0.0'): string {
  return `import { Chart } from 'cdk8s';
import { defineApp, WebService } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
export default defineApp<Values>({
  name: '${name}',
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'shop' });
    new WebService(chart, '${name}', { app: '${name}', image: '${image}', replicas: env.values.replicas, ingress: { host: '${name}.' + env.values.host } });
  },
});
`;
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
    skipLibCheck: true, allowImportingTsExtensions: true, types: ['node'],
  },
  include: ['gitops.config.ts', 'apps'],
};

export interface TestProject {
  readonly root: string;
  write(path: string, content: string): void;
  read(path: string): string;
  remove(path: string): void;
  /** Every file under dist/ (or another folder) as path -> content. */
  snapshot(dir?: string): Map<string, string>;
  cleanup(): void;
}

export function makeProject(files: Record<string, string> = {}, options: { config?: string; copyExample?: boolean } = {}): TestProject {
  const base = join(REPO_ROOT, '.gitops-cache', 'test-projects');
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, 'p-'));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  if (options.copyExample) {
    cpSync(join(REPO_ROOT, 'apps'), join(root, 'apps'), { recursive: true });
    cpSync(join(REPO_ROOT, 'gitops.config.ts'), join(root, 'gitops.config.ts'));
    for (const part of ['secrets', 'manifests', 'charts', 'imports', 'gitops.lock']) cpSync(join(REPO_ROOT, part), join(root, part), { recursive: true });
  } else {
    write('gitops.config.ts', options.config ?? BASIC_CONFIG);
  }
  write('tsconfig.json', JSON.stringify(TSCONFIG, null, 2));
  for (const [path, content] of Object.entries(files)) write(path, content);
  return {
    root,
    write,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    remove: (path) => rmSync(join(root, path), { recursive: true, force: true }),
    snapshot: (dir = 'dist') => snapshotDir(join(root, dir)),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function snapshotDir(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (d.isFile()) {
      const full = join(d.parentPath, d.name);
      files.set(full.slice(dir.length + 1), readFileSync(full, 'utf8'));
    }
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
