import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `cluster` (and the fault suite) runs against a real
// control plane that test/setup/control-plane.global.ts starts once per run.
const clusterTests = ['test/cluster/**/*.test.ts', 'test/agent/**/*.test.ts', 'test/faults/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**', '.gitops-cache/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Cluster tests mostly wait on the API server and git: three files at a time on 2 cores took the suite from
    // 737 s to 277 s; vitest's default (one fewer than the cores) ran them one by one.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', 'dist/**', '.gitops-cache/**', ...clusterTests],
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: clusterTests,
          globalSetup: ['test/setup/control-plane.global.ts'],
        },
      },
    ],
  },
});
