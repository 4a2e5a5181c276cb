// `gitops lock [--update]`: runs every app of every environment with a lock session open (lock-session.ts), so each
// HelmChart resolves its chart (fetching what is not cached) and records its digest; then writes gitops.lock and,
// for charts with a values.schema.json, imports/charts/<chart>.values.ts. Without --update a locked chart keeps its
// pin and one whose digest changed is refused; with it, every chart is resolved again. Nothing is written on an error.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { Compiler } from './compile.ts';
import { formatDiagnostic } from './format.ts';
import { ensureHelm } from './helm/helm-binary.ts';
import { valuesTypeFile, valuesTypeSource } from './helm/values-types.ts';
import { EMPTY_LOCK, LOCK_FILE, parseLock, serializeLock, type ChartLock } from './lock-file.ts';
import { withLockSession, type LockSession } from './lock-session.ts';

export interface LockOptions {
  readonly root: string;
  readonly update: boolean;
  readonly onProgress?: (message: string) => void;
}

export interface LockResult {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
  /** Files written (gitops.lock, values types), repo-relative. */
  readonly written: readonly string[];
}

export async function lockCharts(options: LockOptions): Promise<LockResult> {
  const root = resolve(options.root);
  const progress = options.onProgress ?? (() => {});
  await ensureHelm(); // prints its build progress when it has to build helm
  const session: LockSession = { previous: readLockFile(root), update: options.update, charts: new Map() };
  const outcome = await withLockSession(session, () => new Compiler({ root, typecheck: false, write: false, cache: false, onProgress: progress }).run());
  // Only a failed build leaves charts unresolved; a finding of validation is synth's business.
  const failed = outcome.report.errors.filter((e) => e.rule.startsWith('app-'));
  if (failed.length > 0) {
    throw new UserInputError(`gitops lock: ${failed.length} app build(s) failed, nothing written:\n${failed.map(formatDiagnostic).join('\n')}`, { file: LOCK_FILE });
  }
  const next: ChartLock = { charts: Object.fromEntries([...session.charts.values()].map((c) => [c.key, c.entry])) };
  const types = await Promise.all([...session.charts.values()].filter((c) => c.valuesSchema !== undefined).map(async (c) => {
    try {
      return { file: valuesTypeFile(c.name), source: await valuesTypeSource(c.name, c.valuesSchema!) };
    } catch (error) {
      throw new UserInputError(`chart ${c.key}: ${(error as Error).message}`, { file: LOCK_FILE, hint: "Fix the chart's values.schema.json, or ask its authors to." });
    }
  }));
  const lockNeeded = session.charts.size > 0 || existsSync(join(root, LOCK_FILE));
  const written = [lockNeeded ? writeIfChanged(root, LOCK_FILE, serializeLock(next)) : undefined, ...types.map((t) => writeIfChanged(root, t.file, t.source))];
  return { ...compareLocks(session.previous, next), written: written.filter((f): f is string => f !== undefined) };
}

function readLockFile(root: string): ChartLock {
  const file = join(root, LOCK_FILE);
  if (!existsSync(file)) return EMPTY_LOCK;
  try {
    return parseLock(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserInputError(`${LOCK_FILE} is not a lock file: ${(error as Error).message}`, { file: LOCK_FILE, hint: `Fix it, or delete it and run \`gitops lock\`.` });
  }
}

function compareLocks(before: ChartLock, after: ChartLock): Omit<LockResult, 'written'> {
  const keys = (lock: ChartLock) => Object.keys(lock.charts).sort();
  return {
    added: keys(after).filter((k) => !before.charts[k]),
    changed: keys(after).filter((k) => before.charts[k] && before.charts[k].digest !== after.charts[k].digest),
    removed: keys(before).filter((k) => !after.charts[k]),
    unchanged: keys(after).filter((k) => before.charts[k]?.digest === after.charts[k].digest),
  };
}

/** Writes `content` to the repo-relative `file` unless it holds it already; returns the file when written. */
function writeIfChanged(root: string, file: string, content: string): string | undefined {
  const path = join(root, file);
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return file;
}

export function formatLockResult(result: LockResult): string {
  const lines = [
    ...result.added.map((k) => `  added    ${k}`),
    ...result.changed.map((k) => `  updated  ${k}`),
    ...result.removed.map((k) => `  removed  ${k}`),
  ];
  const summary = `${LOCK_FILE}: ${result.added.length} added, ${result.changed.length} updated, ${result.removed.length} removed, ${result.unchanged.length} unchanged`;
  return [...lines, summary, ...result.written.map((f) => `  wrote ${f}`)].join('\n');
}
