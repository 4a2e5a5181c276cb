// Refused webhook calls are counted, and logged at most once a minute: the first at once (a forge
// set up with the wrong secret shows up in the log), then how many more came in each minute that had
// any. A scan or a flood of forged calls cannot flood the log.
import type { Logger } from './log.ts';

export interface RefusalCount {
  add(reason: 'missing' | 'wrong', remoteAddress: string | undefined): void;
  readonly total: number;
  close(): void;
}

export function refusalCount(log: Logger, windowMs = 60_000): RefusalCount {
  let total = 0;
  let unlogged = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (unlogged === 0) { timer = undefined; return; }
    log.warn({ refused: unlogged, total }, `webhook: ${unlogged} more call(s) refused for a missing or wrong secret in the last ${windowMs / 1000} s`);
    unlogged = 0;
    timer = setTimeout(flush, windowMs).unref();
  };
  return {
    add(reason, remoteAddress) {
      total++;
      if (timer) { unlogged++; return; }
      log.warn({ reason, remoteAddress, total }, 'webhook call refused: missing or wrong secret; further refusals are counted in /status and logged once a minute');
      timer = setTimeout(flush, windowMs).unref();
    },
    get total() { return total; },
    close: () => clearTimeout(timer),
  };
}
