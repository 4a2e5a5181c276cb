// What each app's output depends on (AppRecord), as the manifest records it: its bundle (and the bundle's input
// files), its environment's values, the installed packages, the tool and output format, the per-object rules, the
// files it read, and its per-object findings. The same function gives the record a run writes and the one a rendered commit's entry must equal.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { RenderedKind } from '../lib/define-app.ts';
import type { ResolvedEnvironment } from '../core/config.ts';
import { sha256Of } from '../lib/synth-inputs.ts';
import type { AppRecord, Diagnostic, SynthObject, SynthResult } from '../core/types.ts';
import { FORMAT, packagesHash, valuesHash } from './synth-cache.ts';
import { objectPath } from './render.ts';
import { objectFindings, objectRulesKey } from './validate/object-rules.ts';

/** What every app's record shares: the installed packages and the tool's version. */
export interface RecordContext {
  readonly packages: string;
  readonly tool: string;
}

/** How an app was built: its bundle, its own list of environments, and what the others render when built after them. */
export interface AppBuild {
  readonly bundle: string;
  readonly sources: Readonly<Record<string, string>>; // the bundle's input files -> sha256
  readonly environments: readonly string[] | null;
  readonly rendered?: (env: string) => readonly RenderedKind[];
}

export type DependencyKey = Pick<AppRecord, 'bundle' | 'values' | 'packages' | 'tool' | 'format' | 'rules'>;

export function recordContext(root: string, packageRoot: string): RecordContext {
  return { packages: packagesHash(root, packageRoot), tool: `${toolVersion(packageRoot)} ${sha256Of(toolSources(packageRoot)).slice(0, 16)}` };
}

/**
 * The compiler's own code (compiler/, core/): what it makes of an app's objects (their YAML, their findings) changes
 * with it. Installed, it changes only with the version; in a checkout of typed-gitops, with any commit to it.
 */
function toolSources(packageRoot: string): string {
  const files = ['compiler', 'core'].flatMap((dir) => readdirSync(join(packageRoot, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f.split(sep).join('/')}`))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  return files.map((f) => `${f}\0${sha256Of(readFileSync(join(packageRoot, f)))}`).join('\n');
}

export function toolVersion(packageRoot: string): string {
  return String(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version);
}

/** Everything an app's objects in `env` depend on, besides the files it read (which are checked one by one). */
export function dependencyKey(context: RecordContext, bundle: string, env: ResolvedEnvironment, rendered?: readonly RenderedKind[]): DependencyKey {
  return { bundle, values: valuesHash(env, rendered), packages: context.packages, tool: context.tool, format: FORMAT, rules: sha256Of(objectRulesKey(env)) };
}

/** The first part in which two keys differ ('bundle', 'values', …), or undefined when they are equal. */
export function keyDifference(recorded: DependencyKey, expected: DependencyKey): keyof DependencyKey | undefined {
  return (Object.keys(expected) as (keyof DependencyKey)[]).find((k) => recorded[k] !== expected[k]);
}

/**
 * The records of every result, per environment and app (sorted by app), with the findings of `objects` (the objects
 * as validated and rendered). Results with errors get none: nothing is rendered then anyway.
 */
export function appRecords(context: RecordContext, results: readonly SynthResult[], objects: readonly SynthObject[], builds: ReadonlyMap<string, AppBuild>,
  envs: readonly ResolvedEnvironment[]): Map<string, Record<string, AppRecord>> {
  const findings = new Map<string, Record<string, readonly Diagnostic[]>>();
  for (const o of objects) {
    const env = envs.find((e) => e.name === o.env);
    const found = env && objectFindings(o, env);
    if (!found || found.length === 0) continue;
    const key = `${o.env}/${o.app}`;
    const byPath = findings.get(key) ?? findings.set(key, {}).get(key)!;
    byPath[objectPath(o)] = found;
  }
  const records = new Map<string, Record<string, AppRecord>>(envs.map((e) => [e.name, {}]));
  for (const r of [...results].sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0))) {
    const env = envs.find((e) => e.name === r.env);
    const build = builds.get(r.app);
    if (!env || !build || r.errors.length > 0) continue;
    records.get(r.env)![r.app] = {
      ...dependencyKey(context, build.bundle, env, build.rendered?.(r.env)),
      sources: build.sources,
      environments: build.environments,
      afterOthers: build.rendered !== undefined,
      inputs: r.inputs ?? {},
      findings: sortedByKey(findings.get(`${r.env}/${r.app}`) ?? {}),
      ...(r.warnings?.length ? { warnings: r.warnings } : {}),
    };
  }
  return records;
}

/** The records of a run limited to some apps, with the others' as last written (`previous`, per environment). */
export function withOthers(records: Map<string, Record<string, AppRecord>>, previous: (env: string) => Record<string, unknown>, selected: ReadonlySet<string>): Map<string, Record<string, AppRecord>> {
  return new Map([...records].map(([env, own]) => {
    const others = Object.entries(previous(env)).filter(([app]) => !selected.has(app)) as [string, AppRecord][];
    return [env, sortedByKey({ ...Object.fromEntries(others), ...own })];
  }));
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
