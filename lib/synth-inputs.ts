// Files an app reads while it builds (included YAML, a Helm chart), besides the code in its bundle: part of what its
// output depends on, so the synth cache and the rendered-branch cache look at them too. A construct that reads a
// project file calls recordSynthInput with the file's sha256; synth collects them around each build().
// Kept on globalThis: every app bundle carries its own copy of lib/, the compiler another.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** repo-relative path (forward slashes) -> sha256 of its content when the app read it; a path ending in '/' is a folder: the sha256 of its file list */
export type SynthInputs = Record<string, string>;

const KEY = Symbol.for('typed-gitops.synth-inputs');
interface Build { readonly root: string; readonly inputs: Map<string, string> }
type Holder = { [KEY]?: Build };

/** The project folder of the app being built (outside a synth, the working directory). */
export function projectRoot(): string {
  return (globalThis as Holder)[KEY]?.root ?? process.cwd();
}

/** Records that the app being built read `file` (repo-relative), whose content hashes to `sha256`. */
export function recordSynthInput(file: string, sha256: string): void {
  (globalThis as Holder)[KEY]?.inputs.set(file, sha256);
}

/** Reads a project file (repo-relative) for the app being built, recording it as an input of the build. */
export function readSynthInput(file: string): Buffer {
  const content = readFileSync(resolve(projectRoot(), file));
  recordSynthInput(file, sha256Of(content));
  return content;
}

/** Runs `build` for the project in `root`, returning what it returned and the inputs recorded meanwhile, sorted by path. */
export function collectSynthInputs<T>(root: string, build: () => T): { result: T; inputs: SynthInputs } {
  const holder = globalThis as Holder;
  const outer = holder[KEY];
  const inputs = new Map<string, string>();
  holder[KEY] = { root, inputs };
  try {
    const result = build();
    return { result, inputs: Object.fromEntries([...inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  } finally {
    holder[KEY] = outer;
  }
}

/** What `file` (repo-relative; a folder when it ends in '/') hashes to now, as recorded; undefined when it is gone. */
export function inputDigest(root: string, file: string): string | undefined {
  const abs = join(root, file);
  if (!existsSync(abs)) return undefined;
  return file.endsWith('/') ? folderDigest(abs) : sha256Of(readFileSync(abs));
}

/** The sha256 of the sorted list of files under `dir` (absolute): it changes when a file is added, removed or renamed. */
export function folderDigest(dir: string): string {
  if (!statSync(dir).isDirectory()) return sha256Of('');
  return fileListDigest(filesUnder(dir));
}

/** The regular files under `dir` (absolute), relative to it with forward slashes, in no set order. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** folderDigest of a folder holding `files` (relative to it, forward slashes), for a caller that listed it already. */
export function fileListDigest(files: readonly string[]): string {
  return sha256Of([...files].sort().join('\n'));
}

export function sha256Of(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
