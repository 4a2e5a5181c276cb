// Collects the stage configs kwok ships (its "fast" set: node initialize,
// heartbeat with lease, pod ready/complete/delete) from the kwok module in the Go
// module cache into one multi-document file for `kwok --config`.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The kustomization that lists the stage set we use, relative to the kwok module. */
export const kwokStageSet = 'kustomize/stage/fast';

export function collectKwokStages(kwokModuleDir: string): string {
  const files = resolveKustomization(join(kwokModuleDir, kwokStageSet));
  if (files.length === 0) throw new Error(`no stage files under ${kwokStageSet} in ${kwokModuleDir}`);
  return files.map((f) => readFileSync(f, 'utf8').trim()).join('\n---\n') + '\n';
}

/** Follows `resources:` of a kustomization: folders recurse, files are stages. */
function resolveKustomization(dir: string): string[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  return (kustomization.resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? resolveKustomization(path) : [path];
  });
}

/** Stage names in the collected file, recorded in the build manifest. */
export function stageNames(stagesYaml: string): string[] {
  return stagesYaml
    .split(/^---$/m)
    .map((doc) => (parse(doc) as { metadata?: { name?: string } } | null)?.metadata?.name)
    .filter((n): n is string => Boolean(n));
}

