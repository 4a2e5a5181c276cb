// Puts a reconciler behind leader election: only the Lease holder reconciles and writes; a standby
// keeps following git but does nothing, and a new leader starts from what is in the cluster.
// `--once` takes part too: it takes the Lease (waiting, bounded, for a held one to expire), runs, and releases it.
import { ClusterError, formatError } from '../compiler/errors.ts';
import type { KubeClient } from './kube.ts';
import { startLeaderElection, type LeaderElector } from './leader.ts';
import type { Reconciler, ReconcileLogger } from './reconcile.ts';
import type { LoopReconciler } from './run.ts';
import type { KubeConnection } from './kubeconfig.ts';

export interface LeadershipOptions {
  readonly connection: KubeConnection;
  readonly namespace: string;
  readonly env: string;
  readonly reconciler: Reconciler;
  readonly log: ReconcileLogger;
  /** Called when this replica becomes the leader (e.g. to reconcile at once). */
  readonly onStartedLeading: () => void;
}

export function leaderOnly(options: LeadershipOptions): { reconciler: LoopReconciler; elector: LeaderElector } {
  const { reconciler } = options;
  const elector = startLeaderElection({
    connection: options.connection,
    namespace: options.namespace,
    name: leaseName(options.env),
    log: options.log,
    onStartedLeading: () => { reconciler.reset(); options.onStartedLeading(); },
  });
  guardWrites(reconciler.kube, elector);
  return {
    elector,
    reconciler: {
      reconcile: async (revision) => elector.isLeader()
        ? reconciler.reconcile(revision)
        : { env: options.env, revision: revision.commit, sourceCommit: revision.sourceCommit, startedAt: new Date().toISOString(), durationMs: 0, changes: [], errors: [], ok: true, standby: true },
      reportSourceError: async (error) => { if (elector.isLeader()) await reconciler.reportSourceError(error); },
    },
  };
}

export interface OnceLeadershipOptions {
  readonly connection: KubeConnection;
  readonly namespace: string;
  readonly env: string;
  readonly reconciler: Reconciler;
  readonly log: ReconcileLogger;
  /** How long a lease lasts without renewal, as for the long-running agent. @default 15_000 */
  readonly leaseDurationMs?: number;
}

/**
 * For `--once`: git is read first (no Lease needed to read), then the reconcile runs as the Lease
 * holder (asLeader). A source error is recorded in the status only when the Lease comes within one
 * retry: a running leader records its own.
 */
export function onceAsLeader(options: OnceLeadershipOptions): LoopReconciler {
  const { reconciler, log } = options;
  const durationMs = options.leaseDurationMs ?? 15_000;
  const retryMs = Math.max(200, Math.floor(durationMs / 3));
  const lease = { ...options, name: leaseName(options.env), durationMs, retryMs };
  return {
    // Long enough for the Lease of an agent that died to expire, too short to outwait a live one.
    reconcile: (revision) => asLeader({ ...lease, waitMs: durationMs + 2 * retryMs }, () => reconciler.reconcile(revision)),
    reportSourceError: (error) => asLeader({ ...lease, waitMs: retryMs }, () => reconciler.reportSourceError(error))
      .catch((e: unknown) => log.warn({ err: formatError(e) }, 'the source error is not recorded in the status')),
  };
}

interface LeaseTerms extends OnceLeadershipOptions {
  readonly name: string;
  readonly durationMs: number;
  readonly retryMs: number;
  /** How long to wait for a Lease another agent holds. */
  readonly waitMs: number;
}

/**
 * Runs `work` as the Lease holder, writes guarded by it: takes the Lease when free, waits up to `waitMs`
 * while another agent holds it, and refuses (naming the holder) after that or at once when the Lease
 * cannot be read or written. The Lease is released as soon as `work` is done.
 */
async function asLeader<T>(terms: LeaseTerms, work: () => Promise<T>): Promise<T> {
  const { name, namespace, log } = terms;
  const elector = startLeaderElection({ connection: terms.connection, namespace, name, leaseDurationMs: terms.durationMs, retryMs: terms.retryMs, log });
  try {
    const deadline = Date.now() + terms.waitMs;
    let told = false;
    while (!elector.isLeader()) {
      const error = elector.lastError();
      if (error) throw refusal(`could not take the Lease ${name} in ${namespace}: ${error}`, name, namespace);
      const holder = elector.holder();
      if (Date.now() >= deadline) {
        throw refusal(holder ? `another agent (${holder}) holds the Lease ${name} in ${namespace}; stop it, wait, or pass --no-leader-elect`
          : `no answer about the Lease ${name} in ${namespace} within ${terms.waitMs / 1000} s`, name, namespace);
      }
      if (holder && !told) {
        told = true;
        log.info({ holder, lease: name, waitMs: deadline - Date.now() }, 'another agent holds the Lease; waiting for it');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    guardWrites(terms.reconciler.kube, elector);
    return await work();
  } finally {
    await elector.stop();
  }
}

function refusal(message: string, name: string, namespace: string): ClusterError {
  return new ClusterError(`${message}; nothing was applied`, { object: `Lease ${namespace}/${name}` });
}

export function leaseName(env: string): string {
  return `typed-gitops-${env}`;
}

function guardWrites(kube: KubeClient, elector: LeaderElector): void {
  kube.writeGuard = () => (elector.isLeader() ? undefined : 'this replica is not the leader (another one holds the Lease)');
}
