// The compiler pipeline: config -> discover -> bundle -> synth -> validate -> render -> write.
// A Compiler keeps its results between runs, so watch mode redoes only the apps whose inputs changed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RenderedKind } from '../lib/define-app.ts';
import type { SynthInputs } from '../lib/synth-inputs.ts';
import { findPackageRoot } from '../core/bundle.ts';
import { appBundles, recordedBundles, type AppBundles, type BundleKey } from './app-bundles.ts';
import { inputsUnchanged, SynthCache } from './synth-cache.ts';
import { appRecords, recordContext, withOthers, type AppBuild, type RecordContext } from './app-record.ts';
import type { RenderedCache, RenderedCommit } from './rendered-cache.ts';
import type { ResolvedConfig, ResolvedEnvironment } from '../core/config.ts';
import { UserInputError } from '../core/errors.ts';
import { discoverApps } from './discover.ts';
import { ensureHelm } from './helm/helm-binary.ts';
import { LOCK_FILE } from './lock-file.ts';
import { loadConfig } from '../core/load-config.ts';
import { readOthers } from './read-dist.ts';
import { objectPath, render } from './render.ts';
import { renderedKinds } from './rendered-kinds.ts';
import { receivedResults, renderedEnvironments, type SynthJob, type SynthJobOutcome } from './synth-job.ts';
import { runSynthJobs, synthHands } from './synth-pool.ts';
import { typecheck } from './typecheck.ts';
import type { TrustedKeys } from '../core/trusted-keys.ts';
import type { AppEntry, Diagnostic, RenderScope, RenderedTree, SynthObject, SynthResult, ValidationReport } from '../core/types.ts';
import { withHealthRules } from './health-rules.ts';
import { validate } from './validate/index.ts';
import { importedKinds } from './validate/crd-schemas.ts';
import { embedEncryptedSecrets } from './sops/embed-secrets.ts';
import { dropStaged, finishStaged, stageAhead, type StagedWrite } from './staged-write.ts';
import { writeTree, type WriteSummary } from './write.ts';

export interface CompileOptions {
  /** Project folder holding gitops.config.ts. */
  readonly root: string;
  /** Only these environments. @default every environment */
  readonly envs?: readonly string[];
  /** Only these apps. @default every app */
  readonly apps?: readonly string[];
  /** Type-check user code with tsc. @default true */
  readonly typecheck?: boolean;
  /** Write the output folder when there are no errors. @default true */
  readonly write?: boolean;
  /** Called with a short line at each stage of a long run. @default nothing */
  readonly onProgress?: (message: string) => void;
  /** Called with a line worth keeping in a CI log: how many apps a rendered commit served, or why it served none. @default onProgress */
  readonly onNote?: (message: string) => void;
  /** Reuse apps synthesized by earlier runs while their bundle, values and packages are unchanged. @default true */
  readonly cache?: boolean;
  /**
   * Apps built at once, in worker threads and the main thread; 1 builds them one after another in the main thread.
   * @default $GITOPS_JOBS, else one per core the load leaves free when 24 or more apps must run, else 1
   */
  readonly jobs?: number;
  /** A rendered commit (ref) to take unchanged apps from, when `cache` is on (rendered-cache.ts). @default none */
  readonly cacheFrom?: string;
  /** Keys that commit must be signed with when agent.verify names no key files (publish's own). @default none */
  readonly cacheSignedBy?: TrustedKeys;
}

export interface CompileOutcome {
  readonly config: ResolvedConfig;
  readonly outDir: string;
  readonly results: readonly SynthResult[];
  readonly report: ValidationReport;
  readonly tree?: RenderedTree;
  readonly written?: WriteSummary;
  readonly durationMs: number;
}

/** What the other apps of an environment render, for an app built after them. */
type RenderedOf = (env: string) => readonly RenderedKind[];
const AFTER_OTHERS = 'after-others';

interface Synthesized {
  readonly errors: Diagnostic[];
  readonly results: SynthResult[];
  readonly fresh: SynthResult[]; // the results that were run, not taken from the synth cache
  readonly environments?: readonly string[];
}
/** An app's synth: its results, the error that stopped it loading, or AFTER_OTHERS. */
type Synthesis = Synthesized | Diagnostic | typeof AFTER_OTHERS;
/** What the synth cache lacks of an app: a job to run, and the environments it had. */
interface Missing { readonly job: Omit<SynthJob, 'bundle'>; readonly hits: ReadonlyMap<string, SynthResult> }

interface AppState {
  readonly hash: string; // bundle hash and environments the results are for
  readonly errors: readonly Diagnostic[];
  readonly results: readonly SynthResult[];
  readonly environments?: readonly string[];
}

/** Where an app's results may come from instead of running it: the local synth cache, then a rendered commit. */
interface Caches { readonly local?: SynthCache; readonly rendered?: RenderedCache }

type Optional = 'envs' | 'apps' | 'jobs' | 'cacheFrom' | 'cacheSignedBy' | 'onNote';

export class Compiler {
  private readonly options: Required<Omit<CompileOptions, Optional>> & Pick<CompileOptions, Optional>;
  private readonly apps = new Map<string, AppState>();
  private lastWritten?: ReadonlyMap<string, string>;
  private staged?: StagedWrite;
  private commitObjects?: Promise<RenderedCommit>; // the rendered commit's objects, read while the changed apps are bundled

  constructor(options: CompileOptions) {
    this.options = { typecheck: true, write: true, cache: true, onProgress: () => {}, ...options, root: resolve(options.root), jobs: options.jobs ?? jobsFromEnvironment() };
  }

  async run(): Promise<CompileOutcome> {
    try {
      return await this.runOnce();
    } finally {
      await this.commitObjects?.catch(() => {}); // no git left reading when the run failed first
      if (this.staged) await dropStaged(this.staged); // gone once moved into place
      this.staged = undefined;
      this.commitObjects = undefined;
    }
  }

  private async runOnce(): Promise<CompileOutcome> {
    const started = performance.now();
    const { root, onProgress } = this.options;
    const packageRoot = findPackageRoot(root);
    const typeErrors = this.options.typecheck ? typecheck(root, packageRoot) : Promise.resolve([]);
    typeErrors.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile

    const config = await loadConfig(root);
    const outDir = resolve(root, config.outDir);
    const envs = selectEnvironments(config, this.options.envs);
    const entries = selectApps(discoverApps(root, config.appsDir), this.options.apps);
    // A project with charts renders them with helm while its apps build: build the pinned helm first if there is none.
    if (existsSync(join(root, LOCK_FILE))) await ensureHelm();

    // A new output folder is written by a worker as files become known (staged-write.ts).
    if (this.options.write && !this.lastWritten) this.staged = stageAhead(root, outDir);
    const inputsSame = inputsUnchanged(root); // one per run: each file an app read is hashed once
    const context = recordContext(root, packageRoot);
    const { bundles, caches } = await this.bundlesAndCaches({ config, outDir, envs, entries, inputsSame, context });
    const builds = new Map<string, AppBuild>();
    const fresh: { entry: AppEntry; hash: string; environments?: readonly string[]; results: SynthResult[]; rendered?: RenderedOf }[] = [];
    const results: SynthResult[] = [];
    const loadErrors: Diagnostic[] = [];
    const last: AppEntry[] = [];
    const envKey = (entry: AppEntry) => `${bundles.keys.get(entry.name)!.hash}:${envs.map((e) => e.name).join(',')}`;
    const changed = (state: AppState | undefined, entry: AppEntry) => state?.hash !== envKey(entry) || !state.results.every((r) => inputsSame(r.inputs)); // its code, or a file it read
    const stale = entries.filter((entry) => changed(this.apps.get(entry.name), entry));
    const synthesized = await this.synthesizeAll(stale, bundles, envs, config, caches);
    for (const entry of entries) {
      let state = this.apps.get(entry.name);
      if (synthesized.has(entry.name)) {
        const s = synthesized.get(entry.name)!;
        if (s === AFTER_OTHERS) { last.push(entry); continue; }
        if ('severity' in s) { loadErrors.push(s); continue; }
        state = { hash: envKey(entry), ...s };
        this.apps.set(entry.name, state);
        if (s.fresh.length > 0) fresh.push({ entry, hash: bundles.keys.get(entry.name)!.hash, environments: s.environments, results: s.fresh });
      }
      builds.set(entry.name, { ...buildOf(bundles.keys.get(entry.name)!), environments: state!.environments ?? null });
      loadErrors.push(...state!.errors);
      results.push(...state!.results);
    }

    // A run limited to some apps still validates against the rest of each environment, as last written.
    const selected = new Set(entries.map((e) => e.name));
    const others = this.options.apps ? new Map(envs.map((env) => [env.name, readOthers(outDir, env.name, selected)])) : undefined;
    const objects: SynthObject[] = [...results.flatMap((r) => r.objects), ...[...(others?.values() ?? [])].flatMap((o) => o.objects)];
    for (const entry of last) { // one at a time: each is given what the apps before it render
      const kinds = new Map(envs.map((e) => [e.name, renderedKinds(objects.filter((o) => o.env === e.name))]));
      const rendered: RenderedOf = (env) => kinds.get(env) ?? [];
      const s = (await this.synthesizeAll([entry], bundles, envs, config, caches, rendered)).get(entry.name)!;
      if (s === AFTER_OTHERS) continue; // not when given what the others render
      if ('severity' in s) { loadErrors.push(s); continue; }
      builds.set(entry.name, { ...buildOf(bundles.keys.get(entry.name)!), environments: s.environments ?? null, rendered });
      loadErrors.push(...s.errors);
      results.push(...s.results);
      objects.push(...s.results.flatMap((r) => r.objects));
      if (s.fresh.length > 0) fresh.push({ entry, hash: bundles.keys.get(entry.name)!.hash, environments: s.environments, results: s.fresh, rendered });
    }

    onProgress(`validating ${objects.length} objects`);
    const encrypted = embedEncryptedSecrets(objects, root, config);
    const checked = validate(encrypted.objects, config, importedKinds(root));
    const errors = [...loadErrors, ...results.flatMap((r) => r.errors), ...(await typeErrors), ...encrypted.errors, ...checked.errors];
    const report: ValidationReport = { errors, warnings: [...results.flatMap((r) => r.warnings ?? []), ...checked.warnings] };
    const base = { config, outDir, results, report };
    if (errors.length > 0) return { ...base, durationMs: performance.now() - started };

    const scope: RenderScope[] = envs.map((e) => (this.options.apps ? { env: e.name, apps: [...selected] } : { env: e.name }));
    onProgress(`rendering ${objects.length} objects`);
    const own = appRecords(context, results, encrypted.objects, builds, envs);
    const records = others ? withOthers(own, (env) => others.get(env)!.records, selected) : own;
    const tree = withHealthRules(render(encrypted.objects, scope, records), config.health.rules);
    let written: WriteSummary | undefined;
    if (this.options.write) {
      onProgress(`writing ${tree.files.size} files`);
      written = this.staged ? await finishStaged(this.staged, outDir, tree) : writeTree(outDir, tree, this.lastWritten);
      this.lastWritten = tree.files;
    }
    for (const f of fresh) caches.local?.save(f.entry, f.hash, f.environments, f.results, envs, f.rendered);
    return { ...base, tree, written, durationMs: performance.now() - started };
  }

  /**
   * The apps' bundles, and the caches their results may come from instead of running them. With --cache-from, the
   * rendered commit's records are read first: the apps whose bundle they record unchanged need no esbuild. Only the apps
   * whose records match are read back (a changed app's objects would be parsed for nothing); with bundles taken as
   * recorded those are known before esbuild bundles the others (whose inputs differ from their records), so they are
   * read meanwhile, and a new output folder gets their files written while the changed apps build (staged-write.ts).
   */
  private async bundlesAndCaches(run: { config: ResolvedConfig; outDir: string; envs: readonly ResolvedEnvironment[]; entries: readonly AppEntry[];
    inputsSame: (inputs: SynthInputs | undefined) => boolean; context: RecordContext }): Promise<{ bundles: AppBundles; caches: Caches }> {
    const { config, outDir, envs, entries, inputsSame, context } = run;
    const { root, cache, cacheFrom, cacheSignedBy: signedBy, onProgress, onNote: note = onProgress } = this.options;
    // Loaded only then: reading git and the YAML reader are no part of an everyday synth.
    const renderedCaches = cache && cacheFrom ? await import('./rendered-cache.ts') : undefined;
    const reading = renderedCaches && await renderedCaches.readRenderedCommit({ root, ref: cacheFrom!, config, envs, apps: entries.map((e) => e.name), signedBy, onProgress: note });
    const recorded = reading ? await recordedBundles(root, reading, entries, outDir, note) : new Map<string, BundleKey>();
    const matchingOf = (keys: ReadonlyMap<string, Pick<BundleKey, 'hash'>>) =>
      renderedCaches!.matchingRecords(reading!.records, { unchanged: inputsSame, entries, bundles: keys, context, envs });
    const stage = (files: ReadonlyMap<string, string>) => this.staged?.add(files);
    const early = reading && recorded.size > 0 ? matchingOf(recorded) : undefined;
    this.commitObjects = early && reading!.objects(early.matching, stage);
    this.commitObjects?.catch(() => {}); // awaited below, or by run() when bundling fails
    // An app whose bundle esbuild must make changed, so it will run: cdk8s loads while esbuild works (synth-job.ts loads it lazily).
    const bundles = await appBundles(root, entries, recorded, onProgress, () => void import('./synth.ts').catch(() => {}));

    onProgress(`synthesizing ${entries.length} apps for ${envs.map((e) => e.name).join(', ')}`);
    const matching = early ?? (reading && matchingOf(bundles.keys));
    const commit = matching && await (this.commitObjects ?? reading!.objects(matching.matching, stage));
    const local = cache ? new SynthCache(root, context.packages, inputsSame) : undefined;
    return { bundles, caches: { local, rendered: commit && renderedCaches!.renderedCache(commit, entries, matching.misses, note) } };
  }

  /** Each app's synthesis, by name: from the synth cache where it has every environment, else by running the app (several at once when worth it). */
  private async synthesizeAll(entries: readonly AppEntry[], bundles: AppBundles, envs: readonly ResolvedEnvironment[], config: ResolvedConfig,
    caches: Caches, rendered?: RenderedOf): Promise<Map<string, Synthesis>> {
    const found = entries.map((entry) => this.fromCache(entry, bundles.keys.get(entry.name)!, envs, config, caches, rendered));
    const missing = found.filter((f): f is Missing => typeof f === 'object' && 'job' in f);
    const built = await bundles.built(missing.map((m) => m.job.entry)); // an app taken as recorded that must run after all
    const hands = synthHands(missing.length, this.options.jobs);
    if (hands > 1) this.options.onProgress(`synthesizing ${missing.length} apps, ${hands} at once`);
    const outcomes = await runSynthJobs(missing.map((m) => ({ ...m.job, bundle: built.get(m.job.entry.name)! })), hands, undefined, (o) => this.stageBuilt(o));
    const synthesis = new Map<string, Synthesis>();
    entries.forEach((entry, i) => {
      const f = found[i];
      synthesis.set(entry.name, typeof f === 'object' && 'job' in f ? merged(entry, outcomes[missing.indexOf(f)], f.hits, envs, config) : f);
    });
    return synthesis;
  }

  /** A built app's files go to the staging folder at once (their YAML is rendered with them). */
  private stageBuilt(outcome: SynthJobOutcome): void {
    if (!this.staged || outcome.kind !== 'built') return;
    this.staged.add(new Map(outcome.fresh.flatMap((r) => r.objects.flatMap((o) => (o.yaml ? [[`${r.env}/${objectPath({ app: r.app, ref: o.ref })}`, o.yaml.text] as const] : [])))));
  }

  /**
   * An app's results from the synth cache or the rendered commit when they have every environment the app renders for,
   * else the job that runs it. An app built after the others is only recognized (AFTER_OTHERS) until it is asked again
   * with what they render.
   */
  private fromCache(entry: AppEntry, bundle: BundleKey, envs: readonly ResolvedEnvironment[], config: ResolvedConfig, caches: Caches, rendered?: RenderedOf):
    Synthesis | Missing {
    const cached = caches.local?.load(entry, bundle.hash);
    const taken = caches.rendered?.app(entry.name);
    if ((cached?.afterOthers || taken?.afterOthers) && !rendered) return AFTER_OTHERS;
    const known = cached ?? taken;
    const environments = known?.environments ?? undefined;
    const wanted = known ? renderedEnvironments(environments, envs) : [];
    const hits = new Map<string, SynthResult>();
    for (const env of wanted) {
      const hit = (cached && caches.local!.result(cached, entry, env, rendered?.(env.name))) || taken?.result(env, rendered?.(env.name));
      if (hit) hits.set(env.name, hit);
    }
    if (known && hits.size === wanted.length) return { errors: unknownEnvironments(entry, environments, config), results: [...hits.values()], fresh: [], environments };
    // Only the environments the cache lacks are built again.
    const job: Missing['job'] = {
      root: this.options.root, entry, envs, known: [...hits.keys()],
      ...(rendered ? { rendered: Object.fromEntries(envs.map((e) => [e.name, rendered(e.name)])) } : {}),
    };
    return { job, hits };
  }
}

/** An app's synthesis from the outcome of its job and what the synth cache had. */
function merged(entry: AppEntry, outcome: SynthJobOutcome, hits: ReadonlyMap<string, SynthResult>, envs: readonly ResolvedEnvironment[], config: ResolvedConfig): Synthesis {
  if (outcome.kind === 'failed') return outcome.diagnostic;
  if (outcome.kind === 'after-others') return AFTER_OTHERS;
  const fresh = receivedResults(outcome.fresh, envs);
  const results = renderedEnvironments(outcome.environments, envs).map((env) => hits.get(env.name) ?? fresh.find((r) => r.env === env.name)!);
  return { errors: unknownEnvironments(entry, outcome.environments, config), results, fresh, environments: outcome.environments };
}

/** What an app's record says of its bundle. */
function buildOf(bundle: BundleKey): Pick<AppBuild, 'bundle' | 'sources'> {
  return { bundle: bundle.hash, sources: bundle.inputs };
}

/** GITOPS_JOBS, when set: how many apps synth builds at once. */
function jobsFromEnvironment(): number | undefined {
  const value = process.env.GITOPS_JOBS;
  if (value === undefined || value === '') return undefined;
  return parseJobs(value, 'GITOPS_JOBS');
}

/** A count of apps to build at once, from a flag or variable named `what`. */
export function parseJobs(value: string, what = '--jobs'): number {
  if (!/^[1-9]\d*$/.test(value)) throw new UserInputError(`${what} must be a whole number of 1 or more, not '${value}'`, { hint: `Set ${what} to 1 to build the apps one after another, or to the number of apps to build at once.` });
  return Number(value);
}

export function compile(options: CompileOptions): Promise<CompileOutcome> {
  return new Compiler(options).run();
}

function unknownEnvironments(entry: AppEntry, names: readonly string[] | undefined, config: ResolvedConfig): Diagnostic[] {
  const known = config.environments.map((e) => e.name);
  return (names ?? []).filter((n) => !known.includes(n)).map((name) => ({
    severity: 'error',
    rule: 'app-environment',
    app: entry.name,
    sourceFile: entry.sourceFile,
    message: `the app renders for environment '${name}', which gitops.config.ts does not declare`,
    hint: `Declare it under environments, or remove it from the app's environments (known: ${known.join(', ')}).`,
  }));
}

function selectEnvironments(config: ResolvedConfig, names: readonly string[] | undefined): ResolvedEnvironment[] {
  if (!names) return [...config.environments];
  const unknown = names.filter((n) => !config.environments.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new UserInputError(`unknown environment ${unknown.join(', ')}`, { file: config.file, hint: `Use one of: ${config.environments.map((e) => e.name).join(', ')}.` });
  }
  return config.environments.filter((e) => names.includes(e.name));
}

function selectApps(entries: AppEntry[], names: readonly string[] | undefined): AppEntry[] {
  if (!names) return entries;
  const unknown = names.filter((n) => !entries.some((e) => e.name === n));
  if (unknown.length > 0) {
    throw new UserInputError(`unknown app ${unknown.join(', ')}`, { hint: `Use one of: ${entries.map((e) => e.name).join(', ')}.` });
  }
  return entries.filter((e) => names.includes(e.name));
}
