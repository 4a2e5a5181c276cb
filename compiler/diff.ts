// Compares two rendered trees (path -> YAML) object by object: added, changed, removed,
// grouped by environment and app. Pure.
import { createTwoFilesPatch } from 'diff';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface ObjectChange {
  readonly kind: ChangeKind;
  readonly env: string;
  readonly app: string;
  readonly path: string; // <env>/<app>/<namespace>/<kind>-<name>.yaml
  readonly patch: string; // unified diff
}

/** Object files only: <env>/<app>/<folder>/<file>.yaml; <env>.manifest.json is derived and left out. */
function isObjectFile(path: string): boolean {
  return path.endsWith('.yaml') && path.split('/').length === 4;
}

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, envs?: readonly string[]): ObjectChange[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  const changes: ObjectChange[] = [];
  for (const path of [...paths].sort()) {
    if (!isObjectFile(path)) continue;
    const [env, app] = path.split('/');
    if (envs && !envs.includes(env)) continue;
    const old = before.get(path), now = after.get(path);
    if (old === now) continue;
    changes.push(objectChange(env, app, path, old, now));
  }
  return changes;
}

/** One object's change from its text before and after (undefined: not there), with a unified diff. */
export function objectChange(env: string, app: string, path: string, old: string | undefined, now: string | undefined): ObjectChange {
  const kind: ChangeKind = old === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
  const patch = createTwoFilesPatch(old === undefined ? '/dev/null' : `a/${path}`, now === undefined ? '/dev/null' : `b/${path}`, old ?? '', now ?? '', undefined, undefined, { context: 3 });
  return { kind, env, app, path, patch: patch.split('\n').slice(1).join('\n') }; // drop the '====' line
}

export interface ChangeCounts { added: number; changed: number; removed: number }

export function countChanges(changes: readonly ObjectChange[]): Map<string, ChangeCounts> {
  const counts = new Map<string, ChangeCounts>();
  for (const c of changes) {
    const key = `${c.env}/${c.app}`;
    const n = counts.get(key) ?? counts.set(key, { added: 0, changed: 0, removed: 0 }).get(key)!;
    n[c.kind]++;
  }
  return counts;
}
