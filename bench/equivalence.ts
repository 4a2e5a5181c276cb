// Checks that both tools rendered the same set of objects (apiVersion, kind, namespace, name) from the
// shared ServiceChart: our dist/<env>/**.yaml against cdk8s's dist/*.k8s.yaml.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Equivalence {
  readonly ok: boolean;
  readonly ours: number;
  readonly cdk8s: number;
  /** Keys found by one tool only, prefixed with the tool that has them. */
  readonly differences: readonly string[];
}

export function compareObjectSets(oursDist: string, cdk8sDist: string): Equivalence {
  const ours = objectKeys(oursDist, (f) => f.endsWith('.yaml'));
  const theirs = objectKeys(cdk8sDist, (f) => f.endsWith('.k8s.yaml'));
  const differences = [
    ...[...ours].filter((k) => !theirs.has(k)).map((k) => `ours only: ${k}`),
    ...[...theirs].filter((k) => !ours.has(k)).map((k) => `cdk8s only: ${k}`),
  ];
  return { ok: differences.length === 0 && ours.size > 0, ours: ours.size, cdk8s: theirs.size, differences };
}

function objectKeys(dir: string, wanted: (file: string) => boolean): Set<string> {
  const keys = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !wanted(entry.name)) continue;
    for (const doc of parseAllDocuments(readFileSync(join(entry.parentPath, entry.name), 'utf8'))) {
      const o = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { namespace?: string; name?: string } } | null;
      if (o) keys.add(`${o.apiVersion}/${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
    }
  }
  return keys;
}
