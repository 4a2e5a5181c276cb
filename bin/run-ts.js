// Runs a TypeScript entry point under plain Node 20: bundles it once with esbuild
// (node_modules stay external) into .gitops-cache/, and rebuilds only when one of
// its input files changed. Much cheaper at start-up than a TS loader per file.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function runTs(entry) {
  const entryPath = resolve(root, entry);
  const cacheDir = join(root, '.gitops-cache', 'bin');
  const outName = relative(root, entryPath).replace(/[\\/]/g, '__').replace(/\.ts$/, '.mjs');
  const outfile = join(cacheDir, outName);
  const metaFile = `${outfile}.inputs.json`;
  if (!isFresh(outfile, metaFile)) {
    mkdirSync(cacheDir, { recursive: true });
    const result = await build({
      entryPoints: [entryPath],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
    writeFileSync(metaFile, JSON.stringify(inputs));
  }
  return import(pathToFileURL(outfile).href);
}

function isFresh(outfile, metaFile) {
  if (!existsSync(outfile) || !existsSync(metaFile)) return false;
  const builtAt = statSync(outfile).mtimeMs;
  const inputs = JSON.parse(readFileSync(metaFile, 'utf8'));
  return inputs.every((p) => existsSync(p) && statSync(p).mtimeMs <= builtAt);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry, ...rest] = process.argv.slice(2);
  process.argv = [process.argv[0], entry, ...rest];
  await runTs(entry);
}
