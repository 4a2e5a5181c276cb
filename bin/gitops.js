#!/usr/bin/env node
// The `gitops` CLI: compiler/cli.ts, run through the cached esbuild bundle.
import { runTs } from './run-ts.js';

const { main } = await runTs('compiler/cli.ts');
await main(process.argv.slice(2));
