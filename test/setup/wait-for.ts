// Polls until a condition holds in a cluster test, failing with what was awaited
// and the last value seen, instead of a bare timeout.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions<T = unknown> {
  /** @default 30_000 */
  readonly timeoutMs?: number;
  /** @default 200 */
  readonly intervalMs?: number;
  /** How the last value is shown when the wait times out. @default its JSON, cut to 2,000 characters */
  readonly show?: (value: T | undefined) => string;
}

/** Resolves with the first value of `read` that satisfies `done`. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, options: WaitForOptions<T> = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${String(lastError)}` : `last value: ${options.show ? options.show(last) : JSON.stringify(last)?.slice(0, 2000)}`;
      throw new Error(`timed out waiting for ${what}; ${seen}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** True when the read failed with HTTP 404, i.e. the object is gone. */
export async function isGone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return true;
    throw err;
  }
}
