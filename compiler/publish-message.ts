// What a rendered commit says: `render <short sha>: <subject>`, a per-app count of changed objects,
// and trailers that trace it back to the source commit and the run that published it. Pure.
import type { SourceCommit } from './rendered-branch.ts';
import { TRAILERS } from '../core/trailers.ts';

export interface ChangeCount { added: number; changed: number; removed: number }

/** Object files added, changed and removed per '<env>/<app>', from two trees of path -> blob id. */
export function countChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Map<string, ChangeCount> {
  const counts = new Map<string, ChangeCount>();
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const parts = path.split('/');
    if (parts.length !== 4 || before.get(path) === after.get(path)) continue; // <env>.manifest.json follows the objects
    const key = `${parts[0]}/${parts[1]}`;
    const n = counts.get(key) ?? counts.set(key, { added: 0, changed: 0, removed: 0 }).get(key)!;
    n[!before.has(path) ? 'added' : !after.has(path) ? 'removed' : 'changed']++;
  }
  return counts;
}

export function sameTree(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): boolean {
  return before.size === after.size && [...after].every(([path, blob]) => before.get(path) === blob);
}

export interface MessageInput {
  readonly source: SourceCommit;
  readonly sourceBranch: string;
  readonly changes: ReadonlyMap<string, ChangeCount>;
  readonly renderedBy: string; // 'typed-gitops 0.1.0'
  readonly runUrl?: string;
  readonly forcedOver?: string;
}

const MAX_SUMMARY_LINES = 40;

export function commitMessage(m: MessageInput): string {
  const lines = [...m.changes].map(([key, n]) => `${key}: +${n.added} ~${n.changed} -${n.removed}`);
  const summary = lines.length > MAX_SUMMARY_LINES ? [...lines.slice(0, MAX_SUMMARY_LINES), `… ${lines.length - MAX_SUMMARY_LINES} more apps`] : lines;
  const trailers = [
    `${TRAILERS.sourceCommit}: ${m.source.sha}`,
    `${TRAILERS.sourceBranch}: ${m.sourceBranch}`,
    `Source-Author: ${m.source.author}`,
    `Rendered-By: ${m.renderedBy}`,
    m.runUrl && `Published-By-Run: ${m.runUrl}`,
    m.forcedOver && `Forced-Over: ${m.forcedOver}`,
  ].filter(Boolean);
  return [`render ${m.source.sha.slice(0, 7)}: ${m.source.subject}`, summary.join('\n'), trailers.join('\n')].filter(Boolean).join('\n\n') + '\n';
}

/** The CI run publishing this commit, when the environment says (GitHub Actions, GitLab CI). */
export function ciRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  return env.CI_JOB_URL;
}
