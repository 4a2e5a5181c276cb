// Puts a reconciler behind leader election: only the Lease holder reconciles and writes; a standby
// keeps following git but does nothing, and a new leader starts from what is in the cluster.
// `--once` takes part too: it takes the Lease (waiting, bounded, for a held one to expire), runs, and releases it.
import { ClusterError } from '../compiler/errors.ts';
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
  /** The client whose writes must stop the moment the Lease is lost. */
  readonly kube: KubeClient;
  readonly log: ReconcileLogger;
  /** How long a lease lasts without renewal, as for the long-running agent. @default 15_000 */
  readonly leaseDurationMs?: number;
}

/**
 * Runs `work` as the Lease holder: takes the Lease when it is free, else waits for it up to the lease
 * duration plus two retries (long enough for the Lease of an agent that died to expire, too short to
 * outwait a live one), then refuses naming the holder. The Lease is released at once afterwards.
 */
export async function asLeader<T>(options: OnceLeadershipOptions, work: () => Promise<T>): Promise<T> {
  const durationMs = options.leaseDurationMs ?? 15_000;
  const retryMs = Math.max(200, Math.floor(durationMs / 3));
  const name = leaseName(options.env);
  const elector = startLeaderElection({ connection: options.connection, namespace: options.namespace, name, leaseDurationMs: durationMs, retryMs, log: options.log });
  try {
    const deadline = Date.now() + durationMs + 2 * retryMs;
    let told = false;
    while (!elector.isLeader()) {
      if (Date.now() >= deadline) throw notLeading(elector, name, options.namespace);
      if (elector.holder() && !told) {
        told = true;
        options.log.info({ holder: elector.holder(), lease: name, waitMs: deadline - Date.now() }, 'another agent holds the Lease; waiting for it');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    guardWrites(options.kube, elector);
    return await work();
  } finally {
    await elector.stop();
  }
}

function notLeading(elector: LeaderElector, name: string, namespace: string): ClusterError {
  const object = `Lease ${namespace}/${name}`;
  const holder = elector.holder();
  if (holder) return new ClusterError(`another agent (${holder}) holds the Lease ${name} in ${namespace}; stop it, wait, or pass --no-leader-elect; nothing was applied`, { object });
  return new ClusterError(`could not take the Lease ${name} in ${namespace}: ${elector.lastError() ?? 'another agent took it first'}; nothing was applied`, {
    object, hint: 'Check that the agent may get, create and update Leases in its namespace; pass --no-leader-elect only when no other agent runs.',
  });
}

function leaseName(env: string): string {
  return `typed-gitops-${env}`;
}

function guardWrites(kube: KubeClient, elector: LeaderElector): void {
  kube.writeGuard = () => (elector.isLeader() ? undefined : 'this replica is not the leader (another one holds the Lease)');
}
