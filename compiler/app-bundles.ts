// The apps' bundles for a run. An app's record in a rendered commit lists its bundle's input files with their
// sha256 (the bundle hash is the hash of that list): while each still has that content and no file was added
// since the commit's source, the bundle is the recorded one, so esbuild runs only for the other apps. A recorded
// app's bundle file is written only when the app must run after all (`built`).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { bundleEntries, bundleHash, memoizedFileHash, type Bundle } from '../core/bundle.ts';
import type { AppEntry } from '../core/types.ts';
import type { RenderedCommitReading } from './rendered-cache.ts';

/** What a run knows of an app's bundle without its file: its hash and input files. */
export type BundleKey = Omit<Bundle, 'bundleFile'>;

export interface AppBundles {
  /** Every app's bundle key, by app name. */
  readonly keys: ReadonlyMap<string, BundleKey>;
  /** The bundles of `entries`, bundling those only recorded so far. */
  built(entries: readonly AppEntry[]): Promise<Map<string, Bundle>>;
}

/** A source file larger than this is bundled rather than hashed to check a record. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** The bundles of `entries`: taken from `recorded` where it holds them, the others bundled now; `onBuild` as bundleEntries calls it. */
export async function appBundles(root: string, entries: readonly AppEntry[], recorded: ReadonlyMap<string, BundleKey>,
  onProgress: (message: string) => void, onBuild?: () => void): Promise<AppBundles> {
  const files = new Map<string, Bundle>();
  const build = async (list: readonly AppEntry[]) => {
    const made = await bundleEntries(root, list.map((e) => ({ id: e.name, file: e.sourceFile })), onBuild);
    for (const [name, bundle] of made) files.set(name, bundle);
  };
  const now = entries.filter((e) => !recorded.has(e.name));
  onProgress(recorded.size > 0 ? `bundling ${now.length} of ${entries.length} apps, ${entries.length - now.length} as the rendered commit records them` : `bundling ${entries.length} apps`);
  await build(now);
  const keys = new Map<string, BundleKey>(entries.map((e) => [e.name, files.get(e.name) ?? recorded.get(e.name)!]));
  return {
    keys,
    async built(wanted) {
      const missing = wanted.filter((e) => !files.has(e.name));
      if (missing.length > 0) await build(missing);
      return new Map(wanted.map((e) => [e.name, files.get(e.name)!]));
    },
  };
}

/**
 * The bundle keys `commit` records for `entries` whose input files all still have the recorded content; none (said
 * in the progress) when an import may resolve otherwise than at its source commit. `outDir`: absolute.
 */
export async function recordedBundles(root: string, commit: RenderedCommitReading, entries: readonly AppEntry[], outDir: string,
  onProgress: (message: string) => void): Promise<Map<string, BundleKey>> {
  const records = [...commit.records.values()].flatMap((byApp) => [...byApp.values()]);
  const sources = [...new Set(records.flatMap((r) => Object.keys(r.sources)))].map((f) => resolve(root, f));
  const { resolutionChangedSince } = await import('./import-resolution.ts'); // git: only with a rendered commit
  const changed = await resolutionChangedSince(root, commit.sourceCommit, sources, unreadFolders(root, outDir))
    .catch((error: Error) => `git could not compare the project with its source commit: ${error.message}`);
  if (changed) return onProgress(`bundling every app, not taking bundles as rendered commit ${commit.short} records them: ${changed}`), new Map();
  const hashOf = memoizedFileHash(root, MAX_SOURCE_BYTES);
  const result = new Map<string, BundleKey>();
  for (const entry of entries) {
    // Every environment records the same bundle: the first record that is one of this app's file will do.
    const record = [...commit.records.values()].map((byApp) => byApp.get(entry.name))
      .find((r) => r !== undefined && r.bundle === bundleHash(r.sources) && entry.sourceFile in r.sources);
    if (record && Object.entries(record.sources).every(([file, hash]) => hashOf(file) === hash)) result.set(entry.name, { id: entry.name, hash: record.bundle, inputs: record.sources });
  }
  return result;
}

/** The project's folders no import reads: the caches, and the output folder when it is inside the project. */
function unreadFolders(root: string, outDir: string): string[] {
  const output = relative(root, outDir);
  const inside = output !== '' && !output.startsWith('..') && !isAbsolute(output);
  return ['.gitops-cache', ...(inside ? [output.split(sep).join('/')] : [])];
}
