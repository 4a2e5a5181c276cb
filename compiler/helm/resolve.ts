// Finds the chart a HelmChart names, as gitops.lock pins it: a project folder whose files still hash to the locked
// digest, or a fetched archive from the cache (fetched on a miss and checked against the digest). During
// `gitops lock` (lock-session.ts) it records the chart's entry instead of refusing what is not locked yet.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_LOCK, LOCK_FILE, parseLock, type ChartLock, type LockEntry } from '../lock-file.ts';
import { lockSession, type LockSession } from '../lock-session.ts';
import { readSynthInput } from '../../lib/synth-inputs.ts';
import { archiveChartFiles, folderChartFiles, type ChartFiles } from './chart-files.ts';
import { cachedChart, storeChart } from './chart-cache.ts';
import { lockKey, type ChartSource } from './chart-source.ts';
import { fetchChart } from './fetch.ts';
import { folderDigest } from './folder-digest.ts';

export interface ResolvedChart {
  /** The folder or archive helm renders. */
  readonly path: string;
  readonly digest: string;
}

const UPDATE_HINT = 'run `gitops lock --update` to accept it (and commit gitops.lock)';

/** The chart to render; throws an Error naming the chart and what to run when the lock does not allow it. */
export function resolveChart(root: string, source: ChartSource): ResolvedChart {
  const key = lockKey(source);
  const session = lockSession();
  const locked = (session ? session.previous : readLock(root)).charts[key];
  if (!locked && !session) throw new Error(`chart ${key} is not in ${LOCK_FILE}: run \`gitops lock\` (and commit ${LOCK_FILE})`);
  const pinned = session?.update ? undefined : locked;
  const resolved = source.type === 'folder' ? { path: join(root, source.path), digest: folderDigest(root, source.path) } : remoteChart(source, pinned);
  if (pinned && pinned.digest !== resolved.digest) {
    throw new Error(`chart ${key} changed: its digest is ${resolved.digest}, ${LOCK_FILE} pins ${pinned.digest}; ${UPDATE_HINT}`);
  }
  if (session) record(session, key, { digest: resolved.digest }, source.type === 'folder' ? folderChartFiles(resolved.path) : archiveChartFiles(readFileSync(resolved.path), key));
  return resolved;
}

/** The lock as committed, recorded as an input of the app (a changed lock reruns it). */
function readLock(root: string): ChartLock {
  if (!existsSync(join(root, LOCK_FILE))) return EMPTY_LOCK;
  try {
    return parseLock(readSynthInput(LOCK_FILE).toString('utf8'));
  } catch (error) {
    throw new Error(`${LOCK_FILE} is not a lock file: ${(error as Error).message}; fix it or delete it and run \`gitops lock\``);
  }
}

function remoteChart(source: Exclude<ChartSource, { type: 'folder' }>, pinned: LockEntry | undefined): ResolvedChart {
  const cached = pinned && cachedChart(pinned.digest);
  if (cached) return { path: cached, digest: pinned.digest };
  let archive: Buffer;
  try {
    archive = fetchChart(source);
  } catch (error) {
    throw new Error(`chart ${lockKey(source)} could not be fetched: ${(error as Error).message}`);
  }
  const { digest, file } = storeChart(archive);
  return { path: file, digest };
}

function record(session: LockSession, key: string, entry: LockEntry, files: ChartFiles): void {
  session.charts.set(key, { key, entry, name: files.name, ...(files.valuesSchema !== undefined ? { valuesSchema: files.valuesSchema } : {}) });
}
