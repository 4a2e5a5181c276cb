// The rendered branch as a build cache (`synth --cache-from <ref>`, on by default in publish): a commit's
// manifests record what each app's output depended on (app-record.ts); an app whose record equals what it
// depends on now, and whose files match the manifest's sha256, is taken from that commit (its objects parsed
// back, their YAML and findings primed) instead of being loaded and run. Anything else about an entry (a changed
// input, a file that does not match) leaves the app to be synthesized; the commit is read with bounded memory.
import type { Bundle } from '../core/bundle.ts';
import type { ResolvedConfig, ResolvedEnvironment } from '../core/config.ts';
import { UserInputError } from '../core/errors.ts';
import { listTree, readBlobs, resolveRef, type TreeEntry } from '../core/git-read.ts';
import { isRecord } from '../core/is-record.ts';
import type { RevisionLimits } from '../core/limits.ts';
import { refOf } from '../core/kinds.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { manifestPath } from '../core/tree-paths.ts';
import type { AppEntry, AppRecord, K8sObject, ManifestEntry, SynthObject, SynthResult } from '../core/types.ts';
import type { TrustedKeys } from '../core/trusted-keys.ts';
import type { RenderedKind } from '../lib/define-app.ts';
import type { SynthInputs } from '../lib/synth-inputs.ts';
import { readDocuments } from '../core/parse-yaml.ts';
import { readRenderedYaml } from './read-rendered-yaml.ts';
import { readRenderLog } from './rendered-branch.ts';
import { dependencyKey, keyDifference, type DependencyKey, type RecordContext } from './app-record.ts';
import { objectPath, primeRendered, sha256 } from './render.ts';
import { cacheTrustProblem } from './rendered-trust.ts';
import { valuesHash } from './synth-cache.ts';
import { objectRulesKey, primeObjectFindings } from './validate/object-rules.ts';

export interface RenderedCommitRequest {
  readonly root: string;
  /** The rendered commit to take from (a ref or sha in the project's repository). */
  readonly ref: string;
  readonly config: ResolvedConfig;
  readonly envs: readonly ResolvedEnvironment[];
  /** The apps of this run: only theirs are read. */
  readonly apps: readonly string[];
  /** The key publish signs with: without agent.verify key files, the commit must be signed by it. @default none */
  readonly signedBy?: TrustedKeys;
  readonly onProgress: (message: string) => void;
}

/** One app in one environment as the commit records it: its record and its objects, their YAML and findings primed. */
interface Recorded { readonly record: AppRecord; readonly objects: readonly SynthObject[] }

/** What a trusted rendered commit holds for the cache, per environment and app; and what of it could not be read. */
export interface RenderedCommit {
  readonly short: string;
  readonly apps: ReadonlyMap<string, ReadonlyMap<string, Recorded>>;
  readonly problems: readonly string[];
}

/** An app as the rendered commit has it: its environments, and its result for an environment where it is unchanged. */
export interface RenderedApp {
  readonly environments: readonly string[] | null;
  readonly afterOthers: boolean;
  result(env: ResolvedEnvironment, rendered?: readonly RenderedKind[]): SynthResult | undefined;
}

export interface RenderedCache {
  /** The app, when the commit holds it unchanged in some environment. */
  app(name: string): RenderedApp | undefined;
}

/** A trusted rendered commit being read: its manifests' records first, then (`commit`) its objects. */
export interface RenderedCommitReading {
  readonly short: string;
  /** The source commit it was rendered from (its Source-Commit trailer). */
  readonly sourceCommit: string;
  /** Per environment, each app's record as its manifest has it (its objects not checked yet). */
  readonly records: Records;
  /** What it holds for the cache of the `matching` apps, their objects read and checked; `onRead` gets their files' texts (tree path → text) as soon as read, before any check. */
  objects(matching: Records, onRead?: (files: ReadonlyMap<string, string>) => void): Promise<RenderedCommit>;
}

/** Per environment, records by app name. */
export type Records = ReadonlyMap<string, ReadonlyMap<string, AppRecord>>;

/** Starts reading `ref` for the cache; undefined, said once in the progress, when the commit may not serve as one. */
export async function readRenderedCommit(request: RenderedCommitRequest): Promise<RenderedCommitReading | undefined> {
  const { root, ref, config, envs, onProgress } = request;
  const sha = await resolveRef(root, ref);
  if (!sha) {
    throw new UserInputError(`--cache-from ${ref}: no such commit in this repository`, { hint: 'Fetch the rendered branch first (git fetch origin rendered) and pass the fetched ref, e.g. origin/rendered.' });
  }
  const short = sha.slice(0, 7);
  const limits = config.agent.limits;
  const most = config.environments.length * (limits.objects + 2); // each environment's objects, manifest and health rules
  // Its tree is listed while its trust is checked (git, in parallel); nothing of it is used unless it is trusted.
  const trust = readRenderLog(root, sha, { max: 1 }).then(async ([entry]) => ({ entry, distrust: await cacheTrustProblem(root, sha, entry, config.agent.verify, request.signedBy) }));
  const [{ entry, distrust }, listing] = await Promise.all([trust, listTree(root, sha, { maxEntries: most })]);
  if (distrust) return onProgress(`not taking apps from rendered commit ${short}: ${distrust}; every app is synthesized`), undefined;
  const { sourceCommit } = entry!; // the trust check found it
  if (listing.length > most) {
    return onProgress(`not taking apps from rendered commit ${short}: it holds more files than agent.limits.objects allows; every app is synthesized`), undefined;
  }
  const files = new Map(listing.filter((e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755')).map((e) => [e.path, e]));
  const problems: string[] = [];
  const manifests = await readManifests(root, sha, envs, new Set(request.apps), files, limits, problems);
  const records = new Map([...manifests].map(([env, byApp]) => [env, new Map([...byApp].map(([app, listed]) => [app, listed.record]))]));
  const objects = async (matching: Records, onRead?: (files: ReadonlyMap<string, string>) => void) => {
    const wanted = new Map([...manifests].map(([env, byApp]) => [env, new Map([...byApp].filter(([app]) => matching.get(env)?.has(app)))]));
    return { short, apps: await readObjects(root, sha, envs, files, wanted, limits, problems, onRead), problems };
  };
  return { short, sourceCommit, records, objects };
}

/** An app in an environment the commit holds no usable record for, and why (e.g. 'code changed'). */
export interface Miss { readonly app: string; readonly env: string; readonly why: string }

/** What differs from an app's record, in the words of the progress line. */
const WHY: Readonly<Record<keyof DependencyKey, string>> = {
  bundle: 'code changed', values: 'values changed', packages: 'packages changed', tool: 'typed-gitops changed', format: 'typed-gitops changed', rules: 'validation rules changed',
};

/**
 * Per environment, the records that equal what their app depends on now (its bundle, values, …, files read:
 * `unchanged`): the apps the commit may serve, once their objects are read; and why each other app may not. An app
 * without a bundle in `bundles` has code other than recorded. An app built after the others is compared on its values
 * once what they render is known.
 */
export function matchingRecords(records: Records, request: { unchanged: (inputs: SynthInputs | undefined) => boolean; entries: readonly AppEntry[]; bundles: ReadonlyMap<string, Pick<Bundle, 'hash'>>; context: RecordContext; envs: readonly ResolvedEnvironment[] }):
  { matching: Records; misses: readonly Miss[] } {
  const { unchanged, entries, bundles, context, envs } = request;
  const misses: Miss[] = [];
  const recorded = new Set([...records.values()].flatMap((byApp) => [...byApp.keys()]));
  const matching = new Map(envs.map((env) => [env.name, new Map(entries.flatMap((entry) => {
    const record = records.get(env.name)?.get(entry.name);
    if (!record) {
      if (!recorded.has(entry.name)) misses.push({ app: entry.name, env: env.name, why: 'new' }); // else: not rendered for env
      return [];
    }
    const bundle = bundles.get(entry.name);
    const expected = bundle && dependencyKey(context, bundle.hash, env);
    const differs = !expected ? 'bundle' : keyDifference(record, record.afterOthers ? { ...expected, values: record.values } : expected);
    const why = differs ? WHY[differs] : unchanged(record.inputs) ? undefined : 'a file it reads changed';
    if (why) misses.push({ app: entry.name, env: env.name, why });
    return why ? [] : [[entry.name, record] as const];
  }))]));
  return { matching, misses };
}

/**
 * The cache of the apps `commit` holds as matching records (matchingRecords), each of whose objects names the app's
 * file or a file it read; said in one line with the apps it cannot serve (`misses`) and why.
 */
export function renderedCache(commit: RenderedCommit, entries: readonly AppEntry[], misses: readonly Miss[], onProgress: (message: string) => void): RenderedCache {
  const taken: Taken = new Map();
  for (const [env, byApp] of commit.apps) {
    const results = new Map<string, { record: AppRecord; result: SynthResult }>();
    taken.set(env, results);
    for (const entry of entries) {
      const recorded = byApp.get(entry.name);
      // An object names the app's file, or a file the app read (an included one: 'manifests/x.yaml#2').
      if (!recorded || recorded.objects.some((o) => o.sourceFile !== entry.sourceFile && !(o.sourceFile.replace(/#[^#]*$/, '') in recorded.record.inputs))) continue;
      const { record, objects } = recorded;
      results.set(entry.name, { record, result: { app: entry.name, env, sourceFile: entry.sourceFile, objects, errors: [], warnings: record.warnings ?? [], inputs: record.inputs } });
    }
  }
  const apps = new Set([...taken.values()].flatMap((byApp) => [...byApp.keys()]));
  onProgress(`taking ${apps.size} of ${entries.length} apps from rendered commit ${commit.short}${synthesizedInstead(misses, apps)}`);
  const { problems } = commit;
  if (problems.length > 0) onProgress(`rendered commit ${commit.short}: ignoring ${problems.length} entr${problems.length === 1 ? 'y' : 'ies'}, synthesized instead: ${problems.join('; ')}`);
  return { app: (name) => renderedApp(name, taken) };
}

type Taken = Map<string, Map<string, { record: AppRecord; result: SynthResult }>>;

/** '; synthesizing alpha (code changed), beta in prod (values changed)': by reason, a few names each. */
function synthesizedInstead(misses: readonly Miss[], taken: ReadonlySet<string>): string {
  if (misses.length === 0) return '';
  const byWhy = new Map<string, string[]>();
  for (const m of misses) {
    const names = byWhy.get(m.why) ?? byWhy.set(m.why, []).get(m.why)!;
    const name = taken.has(m.app) ? `${m.app} in ${m.env}` : m.app; // taken elsewhere: only this environment runs
    if (!names.includes(name)) names.push(name);
  }
  const few = (names: readonly string[]) => (names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', '));
  return `; synthesizing ${[...byWhy].map(([why, names]) => `${few(names)} (${why})`).join(', ')}`;
}

/** The app's recorded results per environment, or undefined when no environment holds it. */
function renderedApp(name: string, taken: Taken): RenderedApp | undefined {
  const found = [...taken.values()].map((byApp) => byApp.get(name)).find((t) => t !== undefined);
  if (!found) return undefined;
  return {
    environments: found.record.environments,
    afterOthers: found.record.afterOthers,
    result(env, rendered) {
      const hit = taken.get(env.name)?.get(name);
      if (!hit || (hit.record.afterOthers && hit.record.values !== valuesHash(env, rendered))) return undefined;
      return hit.result;
    },
  };
}

/** One app in one environment as its manifest records it, before its files are read. */
interface Listed { readonly record: AppRecord; readonly entries: readonly ManifestEntry[] }

/** Per environment, each of `apps` its manifest records, with its manifest entries. */
async function readManifests(root: string, sha: string, envs: readonly ResolvedEnvironment[], apps: ReadonlySet<string>, files: ReadonlyMap<string, TreeEntry>, limits: RevisionLimits,
  problems: string[]): Promise<Map<string, Map<string, Listed>>> {
  const listed = envs.map((env) => files.get(manifestPath(env.name))).filter((e): e is TreeEntry => e !== undefined && e.size! <= limits.revisionBytes);
  const texts = await readBlobs(root, sha, listed);
  const result = new Map<string, Map<string, Listed>>();
  for (const env of envs) {
    const at = listed.findIndex((e) => e.path === manifestPath(env.name));
    const manifest = at < 0 ? undefined : parseManifest(texts[at]!);
    if (at >= 0 && !manifest) problems.push(`${manifestPath(env.name)} is not a manifest typed-gitops writes`);
    const byApp = new Map<string, Listed>();
    result.set(env.name, byApp);
    const entriesOf = new Map<string, ManifestEntry[]>();
    for (const o of manifest?.objects ?? []) (entriesOf.get(o.app) ?? entriesOf.set(o.app, []).get(o.app)!).push(o);
    for (const [app, record] of Object.entries(manifest?.apps ?? {})) {
      if (apps.has(app) && isAppRecord(record)) byApp.set(app, { record, entries: entriesOf.get(app) ?? [] });
    }
  }
  return result;
}

/** The objects of every recorded app whose files are in the commit with the manifest's sha256. */
async function readObjects(root: string, sha: string, envs: readonly ResolvedEnvironment[], files: ReadonlyMap<string, TreeEntry>, listed: Map<string, Map<string, Listed>>, limits: RevisionLimits, problems: string[],
  onRead?: (files: ReadonlyMap<string, string>) => void): Promise<Map<string, Map<string, Recorded>>> {
  const wanted = filesToRead(files, listed, limits, problems);
  const texts = await readBlobs(root, sha, wanted);
  const text = new Map(wanted.map((e, i) => [e.path, texts[i]!]));
  onRead?.(text);
  const recorded = new Map<string, Map<string, Recorded>>();
  for (const [envName, byApp] of listed) {
    const env = envs.find((e) => e.name === envName)!;
    const results = new Map<string, Recorded>();
    recorded.set(envName, results);
    for (const [app, { record, entries }] of byApp) {
      const parsed = entries.map((o) => objectOf(o, text.get(`${envName}/${o.path}`)!, env, record, limits));
      const problem = parsed.find((p): p is string => typeof p === 'string');
      if (problem !== undefined) problems.push(`${app} in ${envName}: ${problem}`);
      else results.set(app, { record, objects: parsed as SynthObject[] });
    }
  }
  return recorded;
}

/** The files of the recorded apps, each within the agent's file size and each environment's within its revision size; other apps are dropped. */
function filesToRead(files: ReadonlyMap<string, TreeEntry>, recorded: Map<string, Map<string, Listed>>, limits: RevisionLimits, problems: string[]): TreeEntry[] {
  const wanted: TreeEntry[] = [];
  for (const [env, byApp] of recorded) {
    let bytes = 0;
    for (const [app, { entries: objects }] of byApp) {
      const missing = objects.find((o) => !files.has(`${env}/${o.path}`) || files.get(`${env}/${o.path}`)!.size! > limits.fileBytes);
      if (missing) { problems.push(`${app} in ${env}: ${env}/${missing.path} is not a file of the commit within agent.limits.fileSize`); byApp.delete(app); continue; }
      const size = objects.reduce((sum, o) => sum + files.get(`${env}/${o.path}`)!.size!, 0);
      if (bytes + size > limits.revisionBytes) { problems.push(`${app} in ${env}: more than agent.limits.revisionSize to read`); byApp.delete(app); continue; }
      bytes += size;
      for (const o of objects) wanted.push(files.get(`${env}/${o.path}`)!);
    }
  }
  return wanted;
}

/** The object of one manifest entry from its file's text, with its YAML and findings primed; or why it cannot be taken. */
function objectOf(o: ManifestEntry, text: string, env: ResolvedEnvironment, record: AppRecord, limits: RevisionLimits): SynthObject | string {
  const file = `${env.name}/${o.path}`;
  const hash = sha256(text);
  if (hash !== o.sha256) return `${file} does not match its sha256 in ${manifestPath(env.name)}`;
  const value = readRenderedYaml(text, limits.yamlDepth) ?? readWithYaml(text, limits);
  if (!value) return `${file} is not one object`;
  const object = withoutOwnerLabels(value as K8sObject, o.app, env.name);
  const ref = refOf(object);
  const synthObject: SynthObject = { ref, object, app: o.app, env: env.name, sourceFile: o.sourceFile, constructPath: o.constructPath };
  if (objectPath(synthObject) !== o.path || ref.group !== o.group || ref.kind !== o.kind || ref.namespace !== o.namespace || ref.name !== o.name) {
    return `${file} is not the object its manifest entry names`;
  }
  primeRendered(synthObject, text, hash);
  primeObjectFindings(synthObject, objectRulesKey(env), record.findings[o.path] ?? []);
  return synthObject;
}

/** The one object of a file that render's own style does not cover, read as the agent reads it. */
function readWithYaml(text: string, limits: RevisionLimits): Record<string, unknown> | undefined {
  const docs = [...readDocuments(text, limits)];
  const doc = docs[0];
  return docs.length === 1 && doc && 'value' in doc && isRecord(doc.value) ? doc.value : undefined;
}

/** The object as the app made it: render added the owner labels. */
function withoutOwnerLabels(object: K8sObject, app: string, env: string): K8sObject {
  const labels = object.metadata?.labels;
  if (!isRecord(labels)) return object;
  const own = ownerLabels(app, env);
  const rest = Object.fromEntries(Object.entries(labels).filter(([k, v]) => own[k] !== v));
  const { labels: _, ...metadata } = object.metadata;
  return { ...object, metadata: Object.keys(rest).length > 0 ? { ...metadata, labels: rest as Record<string, string> } : metadata };
}

function parseManifest(text: string): { objects: ManifestEntry[]; apps: Record<string, unknown> } | undefined {
  let json: unknown;
  try { json = JSON.parse(text); } catch { return undefined; }
  if (!isRecord(json) || !Array.isArray(json.objects) || !json.objects.every(isManifestEntry)) return undefined;
  return { objects: json.objects, apps: isRecord(json.apps) ? json.apps : {} };
}

const STRINGS = ['group', 'kind', 'namespace', 'name', 'app', 'path', 'sourceFile', 'constructPath', 'sha256'] as const;
function isManifestEntry(value: unknown): value is ManifestEntry {
  return isRecord(value) && STRINGS.every((k) => typeof value[k] === 'string');
}

function isAppRecord(value: unknown): value is AppRecord {
  if (!isRecord(value)) return false;
  const strings = (v: unknown) => isRecord(v) && Object.values(v).every((s) => typeof s === 'string');
  const findings = (v: unknown) => isRecord(v) && Object.values(v).every((list) => Array.isArray(list) && list.every((d: unknown) => isRecord(d) && typeof d.message === 'string' && typeof d.rule === 'string' && (d.severity === 'warn' || d.severity === 'error')));
  return (['bundle', 'values', 'packages', 'tool', 'rules'] as const).every((k) => typeof value[k] === 'string') && typeof value.format === 'number'
    && (value.environments === null || (Array.isArray(value.environments) && value.environments.every((e) => typeof e === 'string')))
    && typeof value.afterOthers === 'boolean' && strings(value.inputs) && strings(value.sources) && findings(value.findings)
    && (value.warnings === undefined || findings({ warnings: value.warnings }));
}
