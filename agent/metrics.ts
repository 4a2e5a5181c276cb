// The agent's Prometheus metrics (prom-client, a registry of its own): what each reconcile did,
// how git and the API server answer, and which revision is applied. Fed by the loop (run.ts) and
// the HTTPS client (api-requests.ts); names and labels are documented in docs/metrics.md.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { onApiRequest } from './api-requests.ts';
import { isFight } from './drift.ts';
import type { HealthStatus } from './health/types.ts';
import { countActions } from './status.ts';
import type { ReconcileResult } from './types.ts';

export interface AgentMetrics {
  /** Content type of `text()`, for the HTTP answer. */
  readonly contentType: string;
  /** The exposition text of every metric, as a scrape gets it. */
  text(): Promise<string>;
  reconciled(result: ReconcileResult): void;
  /** A look at the branch head (ls-remote, and a fetch when it moved) took `seconds`; `failed` when it did not succeed. */
  sourceChecked(seconds: number, failed: boolean): void;
  /** When the branch head was last read from the remote (ms since the epoch), for readiness too. */
  headSeenAt(): number | undefined;
  /** Stops listening to the API client. */
  close(): void;
}

const HEALTH: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
const PREFIX = 'typed_gitops_';
/** Sourced from a commit trailer (untrusted): a label value stays short. */
const LABEL_CHARS = 100;

export function createMetrics(env: string, now: () => number = Date.now): AgentMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry }); // process memory, CPU, event-loop lag: the usual process_* and nodejs_*
  const duration = new Histogram({
    name: `${PREFIX}reconcile_duration_seconds`, help: 'Time a reconcile took, by result (success or failure); its _count counts reconciles.',
    labelNames: ['result'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers,
  });
  const actions = new Counter({ name: `${PREFIX}object_actions_total`, help: 'What reconciles did to objects, by action (created, configured, pruned, skipped, failed; unchanged is not counted).', labelNames: ['action'], registers });
  const health = new Gauge({ name: `${PREFIX}objects`, help: 'Objects of the environment by health after the last reconcile.', labelNames: ['health'], registers });
  const corrections = new Counter({ name: `${PREFIX}drift_corrections_total`, help: 'Objects re-applied because they were changed or deleted in the cluster.', registers });
  const fights = new Counter({ name: `${PREFIX}drift_fights_total`, help: 'Drift corrections not made because another writer kept undoing them.', registers });
  const requests = new Counter({ name: `${PREFIX}api_requests_total`, help: 'Requests to the Kubernetes API server by verb and HTTP status code (error: no answer).', labelNames: ['verb', 'code'], registers });
  const fetches = new Histogram({ name: `${PREFIX}git_fetch_duration_seconds`, help: 'Time a look at the branch head took (git ls-remote, and git fetch when it moved).', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120], registers });
  const fetchErrors = new Counter({ name: `${PREFIX}git_fetch_errors_total`, help: 'Looks at the branch head that failed.', registers });
  const info = new Gauge({ name: `${PREFIX}info`, help: 'Always 1: the applied rendered revision and its source commit.', labelNames: ['env', 'revision', 'source_commit'], registers });
  let headSeenAt: number | undefined;
  new Gauge({
    name: `${PREFIX}source_head_age_seconds`, help: 'Seconds since the branch head was last read from the remote (grows while git is unreachable).', registers,
    collect() { if (headSeenAt !== undefined) this.set((now() - headSeenAt) / 1000); },
  });
  const stopListening = onApiRequest((verb, code) => requests.inc({ verb, code }));

  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    reconciled(result) {
      if (result.standby) return; // a standby did nothing: the leader's metrics tell
      duration.observe({ result: result.ok ? 'success' : 'failure' }, result.durationMs / 1000);
      if (result.changes.length === 0 && !result.health) return; // the source failed: what is applied did not change
      for (const [action, n] of Object.entries(countActions(result))) if (action !== 'unchanged') actions.inc({ action }, n);
      const byHealth = new Map(HEALTH.map((h) => [h, 0]));
      for (const o of result.health?.objects ?? []) byHealth.set(o.status, (byHealth.get(o.status) ?? 0) + 1);
      for (const [h, n] of byHealth) health.set({ health: h }, n);
      corrections.inc(result.changes.filter((c) => c.drift && c.action !== 'unchanged').length);
      fights.inc(result.changes.filter(isFight).length);
      info.reset();
      info.set({ env, revision: result.revision ?? '', source_commit: (result.sourceCommit ?? '').slice(0, LABEL_CHARS) }, 1);
    },
    sourceChecked(seconds, failed) {
      fetches.observe(seconds);
      if (failed) fetchErrors.inc();
      else headSeenAt = now();
    },
    headSeenAt: () => headSeenAt,
    close: () => { stopListening(); },
  };
}
