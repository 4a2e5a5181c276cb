// Runs a TypeScript entry point under plain Node 20: bundles it once with esbuild (node_modules
// stay external, code split so that dynamic imports load their packages only when used) into
// .gitops-cache/bin/, and rebuilds only when one of its input files changed. Much cheaper at
// start-up than a TS loader per file; esbuild itself is loaded only to rebuild.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function runTs(entry) {
  const entryPath = resolve(root, entry);
  const cacheDir = join(root, '.gitops-cache', 'bin');
  const name = relative(root, entryPath).replace(/[\\/]/g, '__').replace(/\.ts$/, '');
  const metaFile = join(cacheDir, `${name}.json`);
  let meta = readMeta(metaFile);
  if (!meta) {
    const { build } = await import('esbuild');
    // A new folder per build, named in the meta file only once complete: concurrent runs never see half a build.
    const outdir = join(cacheDir, `${name}-${process.pid}-${Date.now()}`);
    mkdirSync(outdir, { recursive: true });
    const result = await build({
      entryPoints: [entryPath],
      outdir,
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'error',
    });
    meta = { outfile: join(outdir, `${basename(entryPath, '.ts')}.js`), inputs: Object.keys(result.metafile.inputs).map((p) => resolve(root, p)) };
    writeFileSync(`${metaFile}.${process.pid}`, JSON.stringify(meta));
    renameSync(`${metaFile}.${process.pid}`, metaFile);
  }
  return import(pathToFileURL(meta.outfile).href);
}

/** The last build, when none of its inputs changed since. */
function readMeta(metaFile) {
  if (!existsSync(metaFile)) return undefined;
  const builtAt = statSync(metaFile).mtimeMs;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  const fresh = existsSync(meta.outfile) && meta.inputs.every((p) => existsSync(p) && statSync(p).mtimeMs <= builtAt);
  return fresh ? meta : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry, ...rest] = process.argv.slice(2);
  process.argv = [process.argv[0], entry, ...rest];
  await runTs(entry);
}
