// Keeps each app's synthesized objects (and their YAML) per environment on disk, keyed by the
// content hash of the app's bundle, the environment's values and the installed packages, so a
// later run neither loads nor synthesizes an unchanged app: loading cdk8s and running build() is
// most of a synth. Apps are functions of their environment (DESIGN.md), which is what makes this sound.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedEnvironment } from '../core/config.ts';
import { sortKeys } from '../core/sort-keys.ts';
import { renderedText } from './render.ts';
import type { AppEntry, SynthObject, SynthResult } from '../core/types.ts';
import { objectRulesKey } from './validate/object-rules.ts';
import { cachedObject, restoreObjects, type CachedObject } from './cached-objects.ts';

/** Bump when what synth or render produce changes for the same input. */
const FORMAT = 4; // 4: owner labels rendered into the YAML

interface CachedApp {
  readonly key: string; // bundle hash + installed packages + format
  readonly environments: readonly string[] | null; // the definition's own list; null: every environment
  readonly afterOthers?: boolean; // built after the other apps; its key includes what they render
  readonly envs: Record<string, { readonly values: string; readonly rulesKey: string; readonly objects: readonly CachedObject[] }>;
}

export class SynthCache {
  private readonly dir: string;
  private readonly packages: string;

  constructor(root: string, packageRoot: string) {
    this.dir = join(root, '.gitops-cache', 'synth');
    // Any change to the installed packages (cdk8s, cdk8s-plus, …) changes every key.
    const lock = ['package-lock.json', 'package.json'].map((f) => join(packageRoot, f)).find((f) => existsSync(f));
    this.packages = lock ? hash(readFileSync(lock, 'utf8')) : '';
  }

  /** The app as cached for this bundle, or undefined. */
  load(entry: AppEntry, bundleHash: string): CachedApp | undefined {
    const file = this.file(entry);
    if (!existsSync(file)) return undefined;
    const cached = JSON.parse(readFileSync(file, 'utf8')) as CachedApp;
    return cached.key === this.key(bundleHash) ? cached : undefined;
  }

  /** The app's objects for one environment, when cached for these values; their YAML is primed for render. */
  objects(cached: CachedApp, entry: AppEntry, env: ResolvedEnvironment, rendered?: readonly unknown[]): SynthObject[] | undefined {
    const found = cached.envs[env.name];
    if (!found || found.values !== valuesHash(env, rendered)) return undefined;
    const rulesKey = objectRulesKey(env);
    return restoreObjects(found.objects, { app: entry.name, env: env.name, sourceFile: entry.sourceFile }, found.rulesKey === rulesKey ? rulesKey : undefined);
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
        objects: r.objects.map((o) => cachedObject(o, renderedText(o), env, rulesKey)),
      };
    }
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(entry);
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(next));
    renameSync(`${file}.${process.pid}`, file);
  }

  private key(bundleHash: string): string {
    return hash(`${FORMAT}:${bundleHash}:${this.packages}`);
  }

  private file(entry: AppEntry): string {
    return join(this.dir, `${entry.name}.json`);
  }
}

/** The environment's values and, for an app built after the others, what they render. */
function valuesHash(env: ResolvedEnvironment, rendered?: readonly unknown[]): string {
  return hash(JSON.stringify(sortKeys(env.values ?? null)) + (rendered ? JSON.stringify(rendered) : ''));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
