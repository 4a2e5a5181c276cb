// What the agent tells besides its status object: Prometheus metrics, readiness and the web page's
// state. One object fed by the loop (AgentObserver) and read by the HTTP server (AgentViews).
import { createMetrics, type AgentMetrics } from './metrics.ts';
import { freshness, readiness, type Readiness } from './readiness.ts';
import type { KubeClient } from './kube.ts';
import type { ObjectRef, ReconcileResult, Revision } from './types.ts';
import { Activity } from './web/activity.ts';
import { readCommitInfo, type CommitInfo } from './web/commit-info.ts';
import { compareObject, type ObjectComparison } from './web/compare.ts';
import { pageView, type PageView } from './web/view.ts';

/** What the loop (run.ts) reports as it goes. */
export interface AgentObserver {
  /** A look at the branch head took `seconds`; `failed` when git did not answer. */
  sourceChecked(seconds: number, failed: boolean): void;
  /** A reconcile of `revision` finished (or threw, then as a failed result). */
  reconciled(result: ReconcileResult, revision: Revision): void;
}

/** What the HTTP server shows besides /status; `last` is the loop's latest result. */
export interface AgentViews {
  readonly metricsContentType: string;
  metrics(): Promise<string>;
  readiness(last: ReconcileResult | undefined): Readiness;
  page(last: ReconcileResult | undefined): Promise<PageView>;
  /** One object of the applied revision: our fields as git sets them against the live ones. */
  compare(ref: ObjectRef): Promise<ObjectComparison>;
}

export interface TelemetryOptions {
  readonly env: string;
  /** The remote without credentials, for links to commits. */
  readonly remote: string;
  /** The agent's clone, for commit subjects and authors. */
  readonly cloneDir: string;
  readonly intervalMs: number;
  /** The agent's own client, to read the live object compared. */
  readonly kube: Pick<KubeClient, 'read'>;
}

export interface Telemetry {
  readonly observer: AgentObserver;
  readonly views: AgentViews;
  close(): void;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const metrics: AgentMetrics = createMetrics(options.env);
  const activity = new Activity();
  let commit: { id: string; info?: CommitInfo } | undefined; // read once per revision
  let page: { key: string; view: PageView } | undefined; // made again only when something changed
  let applied: Revision | undefined; // the loop holds it anyway: no copy

  async function commitInfo(id: string | undefined): Promise<CommitInfo | undefined> {
    if (!id) return undefined;
    if (commit?.id !== id) commit = { id, info: await readCommitInfo(options.cloneDir, id).catch(() => undefined) };
    return commit.info;
  }

  return {
    observer: {
      sourceChecked: (seconds, failed) => metrics.sourceChecked(seconds, failed),
      reconciled(result, revision) {
        metrics.reconciled(result);
        activity.record(result);
        if (!result.standby) applied = revision;
      },
    },
    views: {
      metricsContentType: metrics.contentType,
      metrics: () => metrics.text(),
      readiness: (last) => readiness({ now: Date.now(), last, headSeenAt: metrics.headSeenAt(), freshForMs: freshness(options.intervalMs) }),
      async page(last) {
        const key = JSON.stringify([activity.version, last?.startedAt, last?.revision, last?.ok, last?.errors.length]);
        if (page?.key !== key) page = { key, view: pageView({ env: options.env, remote: options.remote, last, activity, commit: await commitInfo(last?.revision) }) };
        return page.view;
      },
      compare: (ref) => compareObject(options.kube, applied, ref),
    },
    close: () => metrics.close(),
  };
}
