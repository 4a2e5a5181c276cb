// While `gitops lock` runs the apps, HelmChart resolves charts against the lock being written instead of refusing
// what is not locked yet: the session records each chart's entry (and, for typed values, its schema). Kept on
// globalThis like lib/synth-inputs.ts: every app bundle carries its own copy of this module, the CLI another.
import type { ChartLock, LockEntry } from './lock-file.ts';

export interface LockedChart {
  readonly key: string;
  readonly entry: LockEntry;
  /** The chart's name (Chart.yaml) and its values.schema.json, when it has one. */
  readonly name: string;
  readonly valuesSchema?: string;
}

export interface LockSession {
  /** The lock as it was before this run. */
  readonly previous: ChartLock;
  /** Re-resolve every chart and accept new digests (`--update`). */
  readonly update: boolean;
  readonly charts: Map<string, LockedChart>;
}

const KEY = Symbol.for('typed-gitops.lock-session');
type Holder = { [KEY]?: LockSession };

/** The session of a running `gitops lock`, else undefined (a synth). */
export function lockSession(): LockSession | undefined {
  return (globalThis as Holder)[KEY];
}

/** Runs `fn` with `session` open. */
export async function withLockSession<T>(session: LockSession, fn: () => Promise<T>): Promise<T> {
  const holder = globalThis as Holder;
  holder[KEY] = session;
  try {
    return await fn();
  } finally {
    delete holder[KEY];
  }
}
