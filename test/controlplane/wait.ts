// Polls a readiness check for one component; fails early when the component's
// process has exited, and on timeout, with the tail of its log either way.
import { ControlPlaneError, type Component } from './errors.js';
import { logTail } from '../../core/go-install.ts';
import { sleep, type StartedProcess } from './processes.js';

export interface WaitSpec {
  readonly component: Component;
  /** What we wait for, e.g. "/readyz returns ok". */
  readonly what: string;
  /** Resolves true when ready; a throw counts as not ready yet. */
  readonly check: () => Promise<boolean>;
  /** The process whose exit ends the wait and whose log explains a failure. */
  readonly process: StartedProcess;
  readonly timeoutMs: number;
}

const pollMs = 100;

export async function waitUntil(spec: WaitSpec): Promise<void> {
  const deadline = Date.now() + spec.timeoutMs;
  let lastError = '';
  for (;;) {
    const exit = spec.process.exited();
    if (exit !== undefined) throw failure(spec, `exited (${exit}) before ${spec.what}`);
    try {
      if (await spec.check()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw failure(spec, `not ready after ${spec.timeoutMs / 1000}s: ${spec.what}${lastError ? ` (last error: ${lastError})` : ''}`);
    }
    await sleep(pollMs);
  }
}

function failure(spec: WaitSpec, message: string): ControlPlaneError {
  const hint = `read the ${spec.component} log; the state folder is kept for inspection ('npm run cluster:down -- --all' removes it)`;
  return new ControlPlaneError(spec.component, message, hint, spec.process.logFile, logTail(spec.process.logFile));
}
