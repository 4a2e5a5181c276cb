// What the first `gitops` command after `npm ci` pays on a fresh CI machine, which the fresh-clone columns do
// not (they run this repo's CLI, whose bundle is built): bin/run-ts.js bundles compiler/cli.ts with esbuild
// into .gitops-cache/bin/ first. Measured on a copy of the package without .gitops-cache/ (node_modules linked).
import { cpSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { measure, medianSample, type Sample } from './measure.ts';

const SKIP = new Set(['node_modules', '.gitops-cache', '.git', 'dist', 'build']);

export interface CliBuild {
  /** `gitops --help` with no CLI bundle: esbuild builds it first. */
  readonly first: Sample;
  /** The same command once the bundle exists. */
  readonly next: Sample;
}

export function measureCliBuild(repoRoot: string, runs: number): CliBuild {
  const copy = join(repoRoot, '.gitops-cache', 'bench', 'cli-build');
  rmSync(copy, { recursive: true, force: true });
  for (const entry of readdirSync(repoRoot).filter((e) => !SKIP.has(e))) cpSync(join(repoRoot, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const help = { cmd: process.execPath, args: [join(copy, 'bin', 'gitops.js'), '--help'], cwd: copy };
  const first: Sample[] = [], next: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(join(copy, '.gitops-cache'), { recursive: true, force: true });
    first.push(measure(help));
    next.push(measure(help));
  }
  rmSync(copy, { recursive: true, force: true });
  return { first: medianSample(first), next: medianSample(next) };
}
