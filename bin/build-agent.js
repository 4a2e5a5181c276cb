#!/usr/bin/env node
// `npm run build:agent`: bundles the agent (agent/main.ts and every package it uses) with esbuild
// into one file, build/gitops-agent.mjs, that runs with only Node and git: what the image holds.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'build', 'gitops-agent.mjs');

await build({
  absWorkingDir: root,
  entryPoints: ['agent/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true, // error classes and stack traces stay readable
  // Packages written as CommonJS call require() for Node's own modules; an ES module has none.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // esbuild bundles gitops.config.ts for --root only; the image gives its settings by flags and the cluster.
  external: ['esbuild'],
  logLevel: 'warning',
});
console.log(`${relative(process.cwd(), outfile)}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB`);
