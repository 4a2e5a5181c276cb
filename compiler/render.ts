// Turns synthesized objects into the deterministic output tree: one YAML file per object at
// <env>/<app>/<namespace or _cluster>/<kind>-<name>.yaml, plus <env>/manifest.json. Pure.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { ManifestEntry, RenderScope, RenderedTree, SynthObject } from './types.ts';
import { InternalError } from './errors.ts';
import { yamlEmitter } from './render-yaml.ts';

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];

/** Fixed YAML options: YAML 1.1 quoting, so strings like 'yes' or 'on' stay strings for Kubernetes' parser. */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0, indent: 2, aliasDuplicateObjects: false } as const;
const fastYaml = yamlEmitter(YAML_OPTIONS);

// Objects untouched between two renders (watch mode) are the same JS objects: reuse their YAML.
const renderCache = new WeakMap<object, { text: string; sha256: string }>();

function renderObject(object: object): { text: string; sha256: string } {
  let cached = renderCache.get(object);
  if (!cached) {
    const text = toYaml(object);
    cached = { text, sha256: sha256(text) };
    renderCache.set(object, cached);
  }
  return cached;
}

export function toYaml(object: object): string {
  const sorted = sortKeys(object, true) as Record<string, unknown>;
  return fastYaml(sorted) ?? stringify(sorted, YAML_OPTIONS);
}

/** Keys sorted, with apiVersion, kind and metadata first at the top; arrays keep their order. */
export function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    if (top) {
      const ia = FIRST_KEYS.indexOf(a), ib = FIRST_KEYS.indexOf(b);
      if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}

export function objectPath(o: SynthObject): string {
  const folder = o.ref.namespace || '_cluster';
  return `${o.app}/${folder}/${o.ref.kind.toLowerCase()}-${o.ref.name}.yaml`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Renders every object of the given environments; `scope` says which part of the output the tree replaces. */
export function render(objects: readonly SynthObject[], scope: readonly RenderScope[]): RenderedTree {
  const files = new Map<string, string>();
  const byEnv = new Map<string, ManifestEntry[]>();
  for (const o of objects) {
    const path = objectPath(o);
    const full = `${o.env}/${path}`;
    const { text, sha256: hash } = renderObject(o.object);
    if (files.has(full)) throw new InternalError(`two objects render to ${full}`, { env: o.env, app: o.app, object: full });
    files.set(full, text);
    const entries = byEnv.get(o.env) ?? byEnv.set(o.env, []).get(o.env)!;
    entries.push({ ...o.ref, app: o.app, path, sourceFile: o.sourceFile, constructPath: o.constructPath, sha256: hash });
  }
  for (const { env } of scope) {
    const entries = (byEnv.get(env) ?? []).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    files.set(`${env}/manifest.json`, `${JSON.stringify({ environment: env, objects: entries }, null, 2)}\n`);
  }
  return { files, scope };
}
