// Tells each ReconcileResult: a log line every time, the status object and an Event only when the
// result says something new, so steady state costs no writes.
import { formatError } from '../core/errors.ts';
import type { KubeClient } from './kube.ts';
import { compact, publishStatus, summarize } from './status.ts';
import type { ReconcileResult } from './types.ts';

/** The subset of a pino logger the reconciler uses. */
export interface ReconcileLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export class StatusReporter {
  private lastPublished = '';

  constructor(private readonly kube: KubeClient, private readonly namespace: string, private readonly log: ReconcileLogger) {}

  async publish(result: ReconcileResult): Promise<void> {
    const health = result.health && [result.health.status, Object.entries(result.health.apps).map(([app, h]) => `${app}:${h.status}`)];
    const fingerprint = JSON.stringify([result.revision, result.ok, result.errors, result.changes.filter((c) => c.action !== 'unchanged'), health]);
    this.log[result.ok ? 'info' : 'error']({ result: compact(result) }, summarize(result));
    if (fingerprint === this.lastPublished) return;
    try {
      await publishStatus(this.kube, this.namespace, result);
      this.lastPublished = fingerprint;
    } catch (error) {
      this.log.warn({ err: formatError(error) }, 'could not write the status object');
    }
  }

  /** Publishes the next result even when it says nothing new (e.g. another replica wrote since). */
  reset(): void {
    this.lastPublished = '';
  }
}
