// The schemas of built-in kinds: kubernetes-models' compiled ajv validators (required fields,
// types, formats), loaded per kind on first use because loading them all costs seconds.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { groupOf, versionOf } from '../../core/kinds.ts';
import type { SchemaError } from './schema-errors.ts';

const require = createRequire(import.meta.url);

/** Errors of one object against its kind's schema; empty when it is valid. */
export type SchemaCheck = (object: unknown) => readonly SchemaError[];

interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate(): void };
}

// Names go into a module path: anything else is simply not a known kind.
const SAFE = { group: /^[a-z0-9.-]*$/, version: /^v[0-9]+[a-z0-9]*$/, kind: /^[A-Za-z0-9]+$/ };
const checks = new Map<string, SchemaCheck | null>();

/** The schema check of a built-in apiVersion/kind; undefined when kubernetes-models does not know it. */
export function builtinSchema(apiVersion: string, kind: string): SchemaCheck | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!checks.has(key)) checks.set(key, load(apiVersion, kind));
  return checks.get(key) ?? undefined;
}

/** The versions of a group that kubernetes-models has `kind` in, e.g. ['v2'] for autoscaling HorizontalPodAutoscaler. */
export function knownVersions(group: string, kind: string): string[] {
  if (!SAFE.group.test(group) || !SAFE.kind.test(kind)) return [];
  const groupDir = join(dirname(require.resolve('kubernetes-models')), group);
  const versions = readdirSafe(groupDir).filter((v) => SAFE.version.test(v));
  return versions.filter((v) => builtinSchema(group ? `${group}/${v}` : v, kind) !== undefined);
}

function load(apiVersion: string, kind: string): SchemaCheck | null {
  const group = groupOf(apiVersion);
  const version = versionOf(apiVersion);
  if (!SAFE.group.test(group) || !SAFE.version.test(version) || !SAFE.kind.test(kind)) return null;
  let model: ModelClass | undefined;
  try {
    model = (require(`kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`) as Record<string, ModelClass>)[kind];
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return null;
    throw error;
  }
  // Nested types (DeploymentSpec) are models too, but without apiVersion and kind.
  if (model?.kind !== kind || model.apiVersion !== apiVersion) return null;
  const validate = model.prototype.validate;
  return (object) => {
    try {
      validate.call(object); // validates `this` as it is, without copying it into a model
      return [];
    } catch (error) {
      const errors = (error as { errors?: SchemaError[] }).errors;
      if (Array.isArray(errors)) return errors;
      throw error;
    }
  };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
