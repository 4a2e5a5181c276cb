// Puts a reconciler behind leader election: only the Lease holder reconciles and writes; a standby
// keeps following git but does nothing, and a new leader starts from what is in the cluster.
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
    name: `typed-gitops-${options.env}`,
    log: options.log,
    onStartedLeading: () => { reconciler.reset(); options.onStartedLeading(); },
  });
  reconciler.kube.writeGuard = () => (elector.isLeader() ? undefined : 'this replica is not the leader (another one holds the Lease)');
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
