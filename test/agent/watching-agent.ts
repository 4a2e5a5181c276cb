// The long-running agent as the cluster tests run it: watch on, a reconcile on every drift event,
// and a source in memory whose revision a test replaces (git is not what these tests are about).
import { startAgent, type Agent } from '../../agent/run.ts';
import type { Reconciler } from '../../agent/reconcile.ts';
import type { Source } from '../../agent/source.ts';
import type { K8sObject, ObjectRef, Revision } from '../../agent/types.ts';
import { waitFor } from '../setup/wait-for.ts';
import { quietLog, reconcilerFor, revisionOf, uniqueName } from './harness.ts';

export interface MemorySource extends Source {
  /** Serves this revision from the next update on (a new commit on the rendered branch). */
  publish(revision: Revision): void;
}

export function memorySource(first: Revision): MemorySource {
  let current = first;
  return {
    remote: 'memory', branch: 'rendered', dir: '',
    remoteHead: async () => current.commit,
    update: async () => ({ commit: current.commit, fetched: false }),
    revisionAt: async () => current,
    publish: (revision) => { current = revision; },
  };
}

export interface WatchingAgent {
  readonly env: string;
  readonly agent: Agent;
  readonly reconciler: Reconciler;
  readonly source: MemorySource;
  /** Every object the watch reported drifted, in order. */
  readonly drifts: ObjectRef[];
  /** Publishes a new revision of these apps and waits until the agent applied it. */
  commit(apps: Record<string, K8sObject[]>): Promise<void>;
  stop(): Promise<void>;
}

export const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => waitFor(what, async () => check(), (ok) => ok, { timeoutMs });

/** Starts the agent on a first revision of these apps and waits for its first good sync. */
export async function startWatchingAgent(namespace: string, apps: Record<string, K8sObject[]>, options: { selfHeal?: boolean } = {}): Promise<WatchingAgent> {
  const env = uniqueName('env');
  const source = memorySource(revisionOf(env, apps));
  let current: Agent | undefined;
  const drifts: ObjectRef[] = [];
  const reconciler = reconcilerFor(env, namespace, { watch: true, selfHeal: options.selfHeal ?? true, onDrift: (ref) => { drifts.push(ref); current?.trigger(); } });
  const agent = current = await startAgent({ source, env, reconciler, interval: 600_000, log: quietLog as never });
  const stop = async () => { await agent.stop(); reconciler.stop(); };
  try {
    await until('the first sync', () => agent.lastResult()?.ok === true, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const commit = async (next: Record<string, K8sObject[]>) => {
    const revision = revisionOf(env, next);
    source.publish(revision);
    agent.trigger();
    await until(`commit ${revision.commit.slice(0, 8)} to be applied`, () => agent.lastResult()?.revision === revision.commit && agent.lastResult()?.ok === true, 10_000);
  };
  return { env, agent, reconciler, source, drifts, commit, stop };
}
