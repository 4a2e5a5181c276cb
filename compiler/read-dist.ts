// Reads back what an earlier synth wrote for an environment (<env>.manifest.json + YAML files), so a
// run filtered to some apps can still validate against the rest of the environment.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { manifestPath } from '../core/tree-paths.ts';
import type { K8sObject, ManifestEntry, SynthObject } from '../core/types.ts';

export function readManifest(outDir: string, env: string): ManifestEntry[] {
  const file = join(outDir, manifestPath(env));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).objects as ManifestEntry[]) : [];
}

/** What the manifest records of each app (AppRecord, app-record.ts); {} when there is none. */
export function readAppRecords(outDir: string, env: string): Record<string, unknown> {
  const file = join(outDir, manifestPath(env));
  return (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).apps : undefined) ?? {};
}

export function readRenderedObjects(outDir: string, env: string, skipApps: ReadonlySet<string>): SynthObject[] {
  return readManifest(outDir, env)
    .filter((e) => !skipApps.has(e.app))
    .map((e) => ({
      ref: { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name },
      object: parse(readFileSync(join(outDir, env, e.path), 'utf8')) as K8sObject,
      app: e.app,
      env,
      sourceFile: e.sourceFile,
      constructPath: e.constructPath,
    }));
}
