// The agent's loop for one environment: every interval, or at once on a webhook trigger, look for a
// new head, fetch it, and reconcile; one reconcile at a time, back off while git is unreachable,
// remember a refused head instead of reading it again, and stop cleanly. Also the single reconcile of `--once`.
import { formatError, UserInputError } from '../core/errors.ts';
import type { Logger } from './log.ts';
import type { Reconciler } from './reconcile.ts';
import { withNotices, type RevisionGate } from './revision-gate.ts';
import type { Source, SourceUpdate } from './source.ts';
import type { ReconcileResult, Revision } from './types.ts';
import { compact, countActions } from './status.ts';
import type { AgentObserver } from './telemetry.ts';
import type { TriggerAnswer } from './trigger-gate.ts';
import { startWebhook, type WebhookOptions, type WebhookServer } from './webhook.ts';

/** The part of the reconciler the loop drives; tests pass a fake. */
export type LoopReconciler = Pick<Reconciler, 'reconcile' | 'reportSourceError'>;

export interface AgentOptions {
  readonly source: Source;
  readonly env: string;
  readonly reconciler: LoopReconciler;
  /** Time between reconciles, in ms; every one corrects drift, even when the head did not move. */
  readonly interval: number;
  readonly log: Logger;
  /** The HTTP server for triggers, health and status. @default none */
  readonly webhook?: Pick<WebhookOptions, 'listen' | 'secret' | 'triggerIntervalMs' | 'views'>;
  /** Told of each look at the branch head and each reconcile (metrics, the web page). @default none */
  readonly observer?: AgentObserver;
  /** What a new head must pass (signature, never backwards) before it is reconciled. @default none */
  readonly gate?: RevisionGate;
  /** Longest wait between retries while a cycle keeps failing, in ms. @default 300_000 */
  readonly maxBackoff?: number;
  /** How long stop() waits for a running reconcile before abandoning it, in ms. @default 30_000 */
  readonly stopTimeout?: number;
}

export interface Agent {
  /** Reconcile now; during a reconcile, exactly one more runs after it; while backing off, the backoff decides. */
  trigger(): TriggerAnswer;
  /** Stops timers and the webhook and waits (bounded) for the running reconcile. */
  stop(): Promise<void>;
  lastResult(): ReconcileResult | undefined;
  /** The webhook's address, e.g. 'http://127.0.0.1:9090', when it is on. */
  readonly webhookUrl?: string;
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { source, env, reconciler, log } = options;
  const maxBackoff = options.maxBackoff ?? 300_000;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let revision: Revision | undefined; // the last one read, reused while the head stays
  let refused: { commit: string; error: UserInputError } | undefined; // the head that broke a rule, not read again while it stays
  let last: ReconcileResult | undefined;
  let stopping: Promise<void> | undefined;

  // Back off from the interval, doubling per failure in a row: 1x, 2x, 4x … up to maxBackoff.
  const nextDelay = () => (failures === 0 ? options.interval : Math.min(maxBackoff, options.interval * 2 ** (failures - 1)));
  const schedule = (delay: number) => {
    clearTimeout(timer);
    timer = setTimeout(start, delay);
  };

  // While git (or the cluster) keeps failing, only the backoff timer starts a cycle: no trigger, however many, makes an extra fetch.
  function trigger(): TriggerAnswer {
    if (stopped) return 'stopping';
    if (running) { again = true; return 'queued'; }
    if (failures > 0) return 'backoff';
    start();
    return 'started';
  }

  function start() {
    clearTimeout(timer);
    running = cycle().finally(() => {
      running = undefined;
      if (stopped) return;
      const rerun = again && failures === 0;
      again = false;
      if (rerun) start();
      else schedule(nextDelay());
    });
  }

  async function cycle() {
    let current: Revision;
    let update: SourceUpdate | undefined;
    const checking = performance.now();
    const checked = (failed: boolean) => options.observer?.sourceChecked((performance.now() - checking) / 1000, failed);
    try {
      update = await source.update();
      checked(false);
      if (refused?.commit === update.commit) return await reportRefusal(refused.error, false);
      current = revision?.commit === update.commit ? revision : await readRevision(options, update.commit);
      revision = current;
      refused = undefined;
    } catch (error) {
      // A revision that breaks a rule is not an outage: git works, so no backoff; the next head is read at once.
      if (update && error instanceof UserInputError) {
        refused = { commit: update.commit, error };
        failures = 0;
        return reportRefusal(error, true);
      }
      if (!update) checked(true);
      failures++;
      // /status tells the same as the status object: the last revision stays, the source is failing.
      last = sourceFailure(error);
      log.error({ err: formatError(error), attempt: failures, retryInMs: nextDelay(), remote: source.remote, branch: source.branch }, 'cannot read the source; the cluster stays as last applied');
      await reconciler.reportSourceError(error).catch((e: unknown) => log.warn({ err: formatError(e) }, 'could not report the source error'));
      return;
    }
    const startedAt = new Date();
    try {
      last = await reconciler.reconcile(current);
      failures = 0;
    } catch (error) {
      // The reconciler reports problems in its result; a throw is a bug or a lost cluster, so back off.
      failures++;
      last = { env, revision: current.commit, sourceCommit: current.sourceCommit, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), changes: [], errors: [formatError(error)], ok: false };
      log.error({ err: formatError(error), attempt: failures, retryInMs: nextDelay(), revision: current.commit }, 'reconcile threw');
    }
    options.observer?.reconciled(last, current);
  }

  function sourceFailure(error: unknown): ReconcileResult {
    return { env, revision: last?.revision, sourceCommit: last?.sourceCommit, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [`source: ${formatError(error)}; the cluster stays as last applied`], ok: false };
  }

  /** Every cycle while the refused head stays, so that a replica that becomes the leader reports it too (unchanged status: no write). */
  async function reportRefusal(error: UserInputError, first: boolean) {
    last = sourceFailure(error);
    if (first) log.error({ err: formatError(error), commit: error.subject.commit, remote: source.remote, branch: source.branch }, 'refused the revision; the cluster stays as last applied');
    await reconciler.reportSourceError(error).catch((e: unknown) => log.warn({ err: formatError(e) }, 'could not report the refused revision'));
  }

  let webhook: WebhookServer | undefined;
  // /status shows what the status object shows: unchanged and healthy objects are counted, not listed
  // (the whole result of thousands of objects, serialized on every poll, only made garbage).
  if (options.webhook) webhook = await startWebhook({ ...options.webhook, onTrigger: trigger, lastResult: () => last && { ...compact(last), counts: countActions(last) }, log });
  log.info({ env, remote: source.remote, branch: source.branch, intervalMs: options.interval }, 'agent started');
  trigger();

  return {
    trigger,
    lastResult: () => last,
    webhookUrl: webhook?.url,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };

  async function stop() {
    stopped = true;
    clearTimeout(timer);
    await webhook?.close();
    if (running) {
      const timeout = options.stopTimeout ?? 30_000;
      let timedOut: NodeJS.Timeout | undefined;
      const finished = await Promise.race([running.then(() => true), new Promise<boolean>((r) => { timedOut = setTimeout(() => r(false), timeout); })]);
      clearTimeout(timedOut);
      if (!finished) log.warn({ timeoutMs: timeout }, 'stopping with a reconcile still running; the next start converges');
    }
    log.info({ env }, 'agent stopped');
  }
}

/**
 * One cycle for `--once`: read the head, reconcile it; a source error (or a refused revision) is reported, then thrown.
 * Its gate goes around the reconciler (gatedReconciler), to run as the Lease holder.
 */
export async function reconcileOnce(options: Pick<AgentOptions, 'source' | 'env' | 'reconciler'>): Promise<ReconcileResult> {
  let revision: Revision;
  try {
    const update = await options.source.update();
    revision = await options.source.revisionAt(update.commit, options.env);
  } catch (error) {
    await options.reconciler.reportSourceError(error);
    throw error;
  }
  return options.reconciler.reconcile(revision);
}

/**
 * The commit's revision once it passed the gate, carrying the gate's notices. Its files are read first (bounded by the
 * limits, never parsed before the gate passed): a revision that breaks a rule is refused without asking the cluster.
 */
async function readRevision(options: Pick<AgentOptions, 'source' | 'env' | 'gate'>, commit: string): Promise<Revision> {
  const revision = await options.source.revisionAt(commit, options.env);
  return withNotices(revision, await options.gate?.(commit) ?? []);
}
