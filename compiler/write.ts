// Writes a RenderedTree to the output folder: only files whose bytes changed are written,
// files of objects that left the scope are removed, and nothing outside the scope is touched.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InternalError } from '../core/errors.ts';
import { readManifest } from './read-dist.ts';
import { sha256 } from './render.ts';
import { healthRulesPath, manifestPath, treePathProblem } from '../core/tree-paths.ts';
import type { RenderedTree } from '../core/types.ts';

export interface WriteSummary {
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
}

/** `previous` is the tree this process wrote last time to outDir; with it, unchanged files are not read back. */
export function writeTree(outDir: string, tree: RenderedTree, previous?: ReadonlyMap<string, string>): WriteSummary {
  let written = 0, deleted = 0, unchanged = 0;
  for (const path of tree.files.keys()) {
    const problem = treePathProblem(path); // render refuses such objects; this keeps writes inside outDir whoever calls
    if (problem) throw new InternalError(`refusing to write ${JSON.stringify(path)} under ${outDir}: ${problem}; nothing was written`, { file: path });
  }
  const scopeDirs = tree.scope.flatMap((s) => (s.apps ? s.apps.map((a) => `${s.env}/${a}`) : [s.env]));
  const prefixes = scopeDirs.map((d) => `${d}/`);
  // Beside each environment's folder: its manifest, and its health rules when the whole environment is rendered.
  const besides = new Set(tree.scope.flatMap((s) => (s.apps ? [manifestPath(s.env)] : [manifestPath(s.env), healthRulesPath(s.env)])));
  const inScope = (path: string) => prefixes.some((p) => path.startsWith(p)) || besides.has(path);

  const madeDirs = new Set<string>(); // one mkdir per folder, not per file
  const fresh = !previous && !existsSync(outDir); // a fresh clone: no file to compare or remove (saves a stat per file)
  const onDisk = previous ? (path: string, text: string) => previous.get(path) === text : fresh ? () => false : sameOnDisk(outDir, tree.scope.map((s) => s.env));
  for (const [path, text] of tree.files) {
    if (!inScope(path)) continue;
    if (onDisk(path, text)) { unchanged++; continue; }
    const file = join(outDir, path);
    const dir = dirname(file);
    if (!madeDirs.has(dir)) { mkdirSync(dir, { recursive: true }); madeDirs.add(dir); }
    writeFileSync(file, text);
    written++;
  }
  const stale = previous ? [...previous.keys()].filter(inScope) : fresh ? [] : [...scopeDirs.flatMap((dir) => listFiles(outDir, dir)), ...besides];
  for (const path of stale) {
    if (!tree.files.has(path) && existsSync(join(outDir, path))) { rmSync(join(outDir, path)); deleted++; }
  }
  if (deleted > 0) scopeDirs.forEach((dir) => removeEmptyDirs(join(outDir, dir)));
  return { written, deleted, unchanged };
}

/**
 * Whether a file already holds `text`. The last manifest of each environment gives the sha256 of
 * every file it listed; a file not touched since that manifest was written need not be read back.
 */
function sameOnDisk(outDir: string, envs: readonly string[]): (path: string, text: string) => boolean {
  const known = new Map<string, { sha256: string; before: number }>();
  for (const env of envs) {
    const manifest = join(outDir, manifestPath(env));
    const written = statSync(manifest, { throwIfNoEntry: false });
    if (!written) continue;
    for (const e of readManifest(outDir, env)) known.set(`${env}/${e.path}`, { sha256: e.sha256, before: written.mtimeMs });
  }
  return (path, text) => {
    const file = join(outDir, path);
    const k = known.get(path);
    const stat = k && statSync(file, { throwIfNoEntry: false });
    if (k && stat && stat.mtimeMs <= k.before && k.sha256 === sha256(text)) return true;
    return existsSync(file) && readFileSync(file, 'utf8') === text;
  };
}

/** Files under outDir/dir, as paths relative to outDir with forward slashes. */
export function listFiles(outDir: string, dir: string): string[] {
  const abs = join(outDir, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(outDir.length + 1).split('\\').join('/'))
    .sort();
}

function removeEmptyDirs(dir: string): boolean {
  if (!existsSync(dir)) return true;
  let empty = true;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || !removeEmptyDirs(join(dir, d.name))) empty = false;
  }
  if (empty) rmdirSync(dir);
  return empty;
}
