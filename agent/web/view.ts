// What the web page shows, as plain data (GET /api/state): the environment's sync state and health,
// the applied commit, its apps with their objects, the last reconciles and drift. Pure; bounded in size
// whatever the environment holds (objects listed per app up to a limit, problems first).
import type { Health } from '../health/types.ts';
import type { ReconcileResult } from '../types.ts';
import type { Activity, DriftEntry, ObjectRow, ReconcileEntry } from './activity.ts';
import type { CommitInfo } from './commit-info.ts';
import { commitUrl } from './forge.ts';

export type SyncState = 'Synced' | 'Failed' | 'Standby' | 'Pending';

export interface PageView {
  readonly env: string;
  readonly sync: SyncState;
  readonly health?: Health;
  readonly revision?: string;
  readonly revisionUrl?: string;
  readonly sourceCommit?: string;
  readonly sourceUrl?: string;
  readonly commit?: CommitInfo;
  readonly lastReconcileAt?: string;
  readonly errors: readonly string[];
  readonly notices: readonly string[];
  readonly apps: readonly AppView[];
  readonly reconciles: readonly ReconcileEntry[];
  readonly drift: readonly DriftEntry[];
}

export interface AppView {
  readonly name: string;
  readonly health?: Health;
  readonly objects: readonly ObjectRow[];
  /** Objects of the app not listed. */
  readonly omitted: number;
}

export interface ViewInput {
  readonly env: string;
  readonly remote: string;
  readonly last?: ReconcileResult;
  readonly activity: Activity;
  readonly commit?: CommitInfo;
}

/** Objects listed per app, and in all; the rest are counted (a poll of 3,500 objects stays small). */
export const OBJECTS_PER_APP = 100;
export const OBJECTS_LISTED = 1_000;
const ERRORS = 10;

export function pageView({ env, remote, last, activity, commit }: ViewInput): PageView {
  return {
    env,
    sync: syncState(last),
    ...(last?.health ? { health: { status: last.health.status, message: last.health.message } } : {}),
    revision: last?.revision,
    revisionUrl: commitUrl(remote, last?.revision),
    sourceCommit: last?.sourceCommit,
    sourceUrl: commitUrl(remote, last?.sourceCommit),
    ...(commit ? { commit } : {}),
    lastReconcileAt: last?.startedAt,
    errors: (last?.errors ?? []).slice(0, ERRORS),
    notices: (last?.notices ?? []).slice(0, ERRORS),
    apps: appViews(activity.objects(), last?.health?.apps ?? {}),
    reconciles: activity.reconciles,
    drift: activity.drift,
  };
}

function syncState(last: ReconcileResult | undefined): SyncState {
  if (!last) return 'Pending';
  if (last.standby) return 'Standby';
  return last.ok ? 'Synced' : 'Failed';
}

/** Apps by name; in each, objects that need a look (failed, not healthy) first, then by kind, namespace, name. */
function appViews(rows: readonly ObjectRow[], health: Readonly<Record<string, Health>>): AppView[] {
  const byApp = new Map<string, ObjectRow[]>();
  for (const row of rows) {
    const list = byApp.get(row.app);
    if (list) list.push(row); else byApp.set(row.app, [row]);
  }
  let room = OBJECTS_LISTED;
  return [...byApp].sort(([a], [b]) => a.localeCompare(b)).map(([name, objects]) => {
    const sorted = [...objects].sort((a, b) => attention(b) - attention(a) || key(a).localeCompare(key(b)));
    const listed = sorted.slice(0, Math.min(OBJECTS_PER_APP, room)).map((row) => (row.health === 'Healthy' ? { ...row, message: '' } : row));
    room -= listed.length;
    return { name, ...(health[name] ? { health: health[name] } : {}), objects: listed, omitted: sorted.length - listed.length };
  });
}

const attention = (row: ObjectRow) => Number(row.action === 'failed') * 2 + Number(row.health !== 'Healthy');
const key = (row: ObjectRow) => `${row.ref.kind}/${row.ref.namespace ?? ''}/${row.ref.name}`;
