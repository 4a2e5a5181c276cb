// Reads back what an earlier synth wrote for an environment (<env>.manifest.json + YAML files), so a
// run filtered to some apps can still validate against the rest of the environment.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { manifestPath } from '../core/tree-paths.ts';
import type { K8sObject, ManifestEntry, SynthObject } from '../core/types.ts';

export function readManifest(outDir: string, env: string): ManifestEntry[] {
  return readManifestFile(outDir, env).objects;
}

/** An earlier synth's objects of the apps not in `skipApps`, and what its manifest records of each app (AppRecord, app-record.ts). */
export function readOthers(outDir: string, env: string, skipApps: ReadonlySet<string>): { objects: SynthObject[]; records: Record<string, unknown> } {
  const manifest = readManifestFile(outDir, env);
  const objects = manifest.objects
    .filter((e) => !skipApps.has(e.app))
    .map((e) => ({
      ref: { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name },
      object: parse(readFileSync(join(outDir, env, e.path), 'utf8')) as K8sObject,
      app: e.app,
      env,
      sourceFile: e.sourceFile,
      constructPath: e.constructPath,
    }));
  return { objects, records: manifest.apps };
}

/** The environment's manifest as last written: its entries and its apps' records (none when there is no manifest). */
function readManifestFile(outDir: string, env: string): { objects: ManifestEntry[]; apps: Record<string, unknown> } {
  const file = join(outDir, manifestPath(env));
  if (!existsSync(file)) return { objects: [], apps: {} };
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return { objects: json.objects as ManifestEntry[], apps: json.apps ?? {} };
}
