// Keeps each app's synthesized objects (and their YAML) per environment on disk, keyed by the
// content hash of the app's bundle, the environment's values and the installed packages, so a
// later run neither loads nor synthesizes an unchanged app: loading cdk8s and running build() is
// most of a synth. Apps are functions of their environment (DESIGN.md), which is what makes this sound.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ResolvedEnvironment } from '../core/config.ts';
import { sortKeys } from '../core/sort-keys.ts';
import { inputDigest, sha256Of, type SynthInputs } from '../lib/synth-inputs.ts';
import { renderedText } from './render.ts';
import type { AppEntry, Diagnostic, SynthResult } from '../core/types.ts';
import { objectRulesKey } from './validate/object-rules.ts';
import { cachedObject, restoreObjects, type CachedObject } from './cached-objects.ts';

/** Bump when what synth or render produce changes for the same input (the rendered-branch cache records it too). */
export const FORMAT = 6; // 5: the files an app read (inputs) are checked; 6: warnings, an object's own sourceFile

interface CachedApp {
  readonly key: string; // bundle hash + installed packages + format
  readonly environments: readonly string[] | null; // the definition's own list; null: every environment
  readonly afterOthers?: boolean; // built after the other apps; its key includes what they render
  readonly envs: Record<string, { readonly values: string; readonly rulesKey: string; readonly inputs?: SynthInputs; readonly warnings?: readonly Diagnostic[]; readonly objects: readonly CachedObject[] }>;
}

export class SynthCache {
  private readonly dir: string;
  private readonly packages: string;
  private readonly unchanged: (inputs: SynthInputs | undefined) => boolean;

  /** `packages`: packagesHash of the project; `unchanged`: the run's inputsUnchanged. */
  constructor(root: string, packages: string, unchanged: (inputs: SynthInputs | undefined) => boolean) {
    this.unchanged = unchanged;
    this.dir = join(root, '.gitops-cache', 'synth');
    this.packages = packages;
  }

  /** The app as cached for this bundle, or undefined. */
  load(entry: AppEntry, bundleHash: string): CachedApp | undefined {
    const file = this.file(entry);
    if (!existsSync(file)) return undefined;
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedApp;
    return cached.key === this.key(bundleHash) ? cached : undefined;
  }

  /** The app's result for one environment, when cached for these values; its objects' YAML is primed for render. */
  result(cached: CachedApp, entry: AppEntry, env: ResolvedEnvironment, rendered?: readonly unknown[]): SynthResult | undefined {
    const found = cached.envs[env.name];
    if (!found || found.values !== valuesHash(env, rendered) || !this.unchanged(found.inputs)) return undefined;
    const rulesKey = objectRulesKey(env);
    const objects = restoreObjects(found.objects, { app: entry.name, env: env.name }, found.rulesKey === rulesKey ? rulesKey : undefined);
    return { app: entry.name, env: env.name, sourceFile: entry.sourceFile, objects, errors: [], warnings: found.warnings ?? [], inputs: found.inputs ?? {} };
  }

  /** Stores successful results (with their YAML and validation findings, as far as known), keeping other environments' entries. */
  save(entry: AppEntry, bundleHash: string, environments: readonly string[] | undefined, results: readonly SynthResult[], envs: readonly ResolvedEnvironment[],
    rendered?: (env: string) => readonly unknown[]): void {
    const ok = results.filter((r) => r.errors.length === 0);
    if (ok.length === 0) return;
    const previous = this.load(entry, bundleHash);
    const next: CachedApp = { key: this.key(bundleHash), environments: environments ? [...environments] : null, afterOthers: rendered !== undefined, envs: { ...previous?.envs } };
    for (const r of ok) {
      const env = envs.find((e) => e.name === r.env)!;
      const rulesKey = objectRulesKey(env);
      next.envs[r.env] = {
        values: valuesHash(env, rendered?.(r.env)),
        rulesKey,
        inputs: r.inputs,
        warnings: r.warnings,
        objects: r.objects.map((o) => cachedObject(o, renderedText(o), env, rulesKey)),
      };
    }
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(entry);
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(next));
    renameSync(`${file}.${process.pid}`, file);
  }

  private key(bundleHash: string): string {
    return sha256Of(`${FORMAT}:${bundleHash}:${this.packages}`);
  }

  private file(entry: AppEntry): string {
    return join(this.dir, `${entry.name}.json`);
  }
}

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/**
 * The installed packages (cdk8s, cdk8s-plus, …): the project's lock file (the nearest one up from its folder) and
 * typed-gitops's own lock file or package.json. Any change to them changes every key.
 */
export function packagesHash(root: string, packageRoot: string): string {
  const own = ['package-lock.json', 'package.json'].map((f) => join(packageRoot, f)).find((f) => existsSync(f));
  const files = [nearestLockFile(root), own].filter((f): f is string => f !== undefined);
  return sha256Of(files.map((f) => sha256Of(readFileSync(f))).join(':'));
}

function nearestLockFile(root: string): string | undefined {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const found = LOCK_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
    if (found || dirname(dir) === dir) return found;
  }
}

/** The environment's values and, for an app built after the others, what they render. */
export function valuesHash(env: ResolvedEnvironment, rendered?: readonly unknown[]): string {
  return sha256Of(JSON.stringify(sortKeys(env.values ?? null)) + (rendered ? JSON.stringify(rendered) : ''));
}

/** Whether every file an app read still has the content it read (memoized: a run reads each file once). */
export function inputsUnchanged(root: string): (inputs: SynthInputs | undefined) => boolean {
  const memo = new Map<string, string | undefined>();
  const current = (file: string) => {
    if (!memo.has(file)) memo.set(file, inputDigest(root, file));
    return memo.get(file);
  };
  return (inputs) => Object.entries(inputs ?? {}).every(([file, sha]) => current(file) === sha);
}
