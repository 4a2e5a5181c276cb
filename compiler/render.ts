// Turns synthesized objects into the deterministic output tree: one YAML file per object at
// <env>/<app>/<namespace or _cluster>/<kind>-<name>.yaml, each with its owner labels, plus
// <env>.manifest.json beside the environment's folder (so `kubectl -R -f dist/<env>` reads only objects). Pure.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { AppRecord, K8sObject, ManifestEntry, RenderScope, RenderedTree, SynthObject } from '../core/types.ts';
import { InternalError, UserInputError } from '../core/errors.ts';
import { formatRef } from '../core/kinds.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { manifestPath, treeEntryProblem } from '../core/tree-paths.ts';
import { KUBECTL_WRITE } from '../core/kubectl-scalars.ts';
import { yamlEmitter } from './render-yaml.ts';
import { sortKeys } from '../core/sort-keys.ts';


/** Fixed YAML options: YAML 1.1 quoting as kubectl reads it, so strings like 'yes', 'on' or '0o644' stay strings. */
const YAML_OPTIONS = { ...KUBECTL_WRITE, lineWidth: 0, indent: 2, aliasDuplicateObjects: false } as const;
const fastYaml = yamlEmitter(YAML_OPTIONS);

interface RenderedObject {
  readonly full: string; // <env>/<path>
  readonly path: string;
  readonly text: string;
  readonly sha256: string;
  readonly entry: string; // its manifest entry, as it stands in <env>.manifest.json
}

// Objects untouched between two renders (watch mode) are the same SynthObjects: reuse their file and manifest entry.
const renderCache = new WeakMap<SynthObject, RenderedObject>();

function renderObject(o: SynthObject): RenderedObject {
  let rendered = renderCache.get(o);
  if (!rendered) {
    rendered = renderedFrom(o, toYaml(withOwnerLabels(o)));
    renderCache.set(o, rendered);
  }
  return rendered;
}

function renderedFrom(o: SynthObject, text: string, hash = sha256(text)): RenderedObject {
  const path = objectPath(o);
  const entry: ManifestEntry = { ...o.ref, app: o.app, path, sourceFile: o.sourceFile, constructPath: o.constructPath, sha256: hash };
  return { full: `${o.env}/${path}`, path, text, sha256: hash, entry: entryJson(entry) };
}

/** The entry as JSON.stringify(entry, null, 2) writes it, indented to stand in the manifest's list; built directly while its values are flat. */
function entryJson(entry: ManifestEntry): string {
  let out = '';
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null) return JSON.stringify(entry, null, 2).replace(/\n/g, '\n    ');
    out += `${out ? ',' : ''}\n      ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  }
  return out ? `{${out}\n    }` : '{}';
}

/** The YAML of an object and its sha256, if it was rendered in this process (to keep them in the synth cache). */
export function renderedText(o: SynthObject): { text: string; sha256: string } | undefined {
  const rendered = renderCache.get(o);
  return rendered && { text: rendered.text, sha256: rendered.sha256 };
}

/** The YAML of an object and its sha256, rendered now (synth jobs render what they send; the receiver primes it). */
export function objectYaml(o: SynthObject): { text: string; sha256: string } {
  const text = toYaml(withOwnerLabels(o));
  return { text, sha256: sha256(text) };
}

/** Takes an object's YAML (and its sha256) from the synth cache instead of rendering it again. */
export function primeRendered(o: SynthObject, text: string, hash: string): void {
  renderCache.set(o, renderedFrom(o, text, hash));
}

/**
 * The object with its owner labels in metadata.labels, so what reviewers see is what the agent applies.
 * Pod templates keep their own labels: adding ours there would restart pods and change selectors.
 */
function withOwnerLabels(o: SynthObject): K8sObject {
  const metadata = o.object.metadata;
  return { ...o.object, metadata: { ...metadata, labels: { ...metadata.labels, ...ownerLabels(o.app, o.env) } } };
}

export function toYaml(object: object): string {
  return emitYaml(sortKeys(object, true) as Record<string, unknown>);
}

/** The YAML of a document whose keys are already in order. */
export function emitYaml(doc: Record<string, unknown>): string {
  return fastYaml(doc) ?? stringify(doc, YAML_OPTIONS);
}

/** How emitYaml writes a scalar value and a map key, where its fast path writes them (undefined elsewhere). */
export const yamlScalarText: (value: unknown) => string | undefined = fastYaml.scalar;
export const yamlKeyText: (key: string) => string | undefined = fastYaml.key;

export function objectPath(o: Pick<SynthObject, 'app' | 'ref'>): string {
  const folder = o.ref.namespace || '_cluster';
  return `${o.app}/${folder}/${o.ref.kind.toLowerCase()}-${o.ref.name}.yaml`;
}

/** Why an object's file would not be a plain file in its app's folder of dist/<env>/ (a kind '../../x'), or undefined. */
function objectPathProblem(o: SynthObject): string | undefined {
  const parts = { environment: o.env, 'app name': o.app, namespace: o.ref.namespace || '_cluster', kind: o.ref.kind, name: o.ref.name };
  for (const [what, value] of Object.entries(parts)) {
    const problem = treeEntryProblem(value);
    if (problem) return `its ${what} ${JSON.stringify(value)} ${problem}`;
  }
  return undefined;
}

/** Refuses the whole render, naming every object whose file would land elsewhere: nothing is written. */
function refuseUnsafePaths(objects: readonly SynthObject[]): void {
  refuseObjects(objects, (o) => {
    const problem = objectPathProblem(o);
    return problem && `its file ${JSON.stringify(`${o.env}/${objectPath(o)}`)} would not be in its app's folder: ${problem}`;
  }, 'cannot be written under dist/', "Kinds, names and namespaces may not contain '/' or NUL nor be '.', '..' or '.git'; fix them in the app.");
}

/** Why an object's own labels contradict the owner labels render gives it (an app labelling itself another app), or undefined. */
function ownerLabelProblem(o: SynthObject): string | undefined {
  const labels = o.object.metadata.labels ?? {};
  const wrong = Object.entries(ownerLabels(o.app, o.env)).filter(([key, value]) => key in labels && labels[key] !== value);
  if (wrong.length === 0) return undefined;
  return `it sets ${wrong.map(([key]) => `${key}=${JSON.stringify(labels[key])}`).join(' and ')}, but it is rendered for app ${o.app} in environment ${o.env}`;
}

function refuseOwnerLabelConflicts(objects: readonly SynthObject[]): void {
  refuseObjects(objects, ownerLabelProblem, 'set owner labels of another app or environment',
    'typed-gitops sets typed-gitops.dev/app and typed-gitops.dev/env itself (the app and environment an object is rendered for); remove those labels from the app.');
}

/** Refuses the whole render, naming every object `problemOf` finds something wrong with: nothing is written. */
function refuseObjects(objects: readonly SynthObject[], problemOf: (o: SynthObject) => string | undefined, what: string, hint: string): void {
  const wrong = objects.flatMap((o) => {
    const problem = problemOf(o);
    return problem ? [`app ${o.app} (${o.sourceFile}), ${formatRef(o.ref)}: ${problem}`] : [];
  });
  if (wrong.length === 0) return;
  throw new UserInputError(`${wrong.length} object(s) ${what}; nothing was written:\n  ${wrong.join('\n  ')}`, { hint });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Renders every object of the given environments; `scope` says which part of the output the tree replaces.
 * `apps`: per environment, what each app's output depends on, recorded in its manifest (app-record.ts).
 */
export function render(objects: readonly SynthObject[], scope: readonly RenderScope[], apps?: ReadonlyMap<string, Readonly<Record<string, AppRecord>>>): RenderedTree {
  const files = new Map<string, string>();
  const byEnv = new Map<string, RenderedObject[]>();
  refuseUnsafePaths(objects);
  refuseOwnerLabelConflicts(objects);
  for (const o of objects) {
    const rendered = renderObject(o);
    if (files.has(rendered.full)) throw new InternalError(`two objects render to ${rendered.full}`, { env: o.env, app: o.app, object: rendered.full });
    files.set(rendered.full, rendered.text);
    const entries = byEnv.get(o.env) ?? byEnv.set(o.env, []).get(o.env)!;
    entries.push(rendered);
  }
  for (const { env } of scope) {
    const entries = (byEnv.get(env) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    files.set(manifestPath(env), manifestJson(env, entries.map((e) => e.entry), apps?.get(env)));
  }
  return { files, scope };
}

/** The bytes of `JSON.stringify({ environment, objects, apps }, null, 2)`, from entries already in place. */
function manifestJson(env: string, entries: readonly string[], apps: Readonly<Record<string, AppRecord>> | undefined): string {
  const objects = entries.length === 0 ? '[]' : `[\n    ${entries.join(',\n    ')}\n  ]`;
  const recorded = apps ? `,\n  "apps": ${JSON.stringify(apps, null, 2).replace(/\n/g, '\n  ')}` : '';
  return `{\n  "environment": ${JSON.stringify(env)},\n  "objects": ${objects}${recorded}\n}\n`;
}
