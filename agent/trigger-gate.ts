// At most one webhook trigger per interval reaches the agent: the first passes at once, those that
// follow within the interval become one trigger at its end. Nothing is lost (a push that arrives
// while the agent looks at the branch is seen by the next look) and a burst cannot make a fetch storm.

/** What became of a trigger: a check started, one is queued, or the git backoff decides when to look. */
export type TriggerAnswer = 'started' | 'queued' | 'backoff' | 'stopping';

export interface TriggerGate {
  request(): TriggerAnswer;
  close(): void;
}

export function triggerGate(fire: () => TriggerAnswer, intervalMs: number): TriggerGate {
  let last = -Infinity;
  let deferred: NodeJS.Timeout | undefined;
  const pass = () => {
    deferred = undefined;
    last = Date.now();
    return fire();
  };
  return {
    request() {
      const wait = last + intervalMs - Date.now();
      if (wait <= 0 && !deferred) return pass();
      deferred ??= setTimeout(pass, wait);
      return 'queued';
    },
    close: () => clearTimeout(deferred),
  };
}
