// Leader election with a coordination.k8s.io Lease, so two agents for one environment never
// fight: only the holder writes, a standby takes over once the lease expires, and a leader that
// cannot renew in time stops writing at once (isLeader() turns false by the clock, not by a callback).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { formatError } from '../core/errors.ts';
import { ensureNamespace } from './inventory.ts';
import { KubeClient, refusalOf } from './kube.ts';
import type { K8sObject } from './types.ts';
import type { ReconcileLogger } from './reconcile.ts';
import type { KubeConnection } from './kubeconfig.ts';

export interface LeaderElectionOptions {
  readonly connection: KubeConnection;
  readonly namespace: string;
  /** Name of the Lease, one per environment. */
  readonly name: string;
  /** @default '<hostname>-<random>' */
  readonly identity?: string;
  /** How long a lease lasts without renewal. @default 15_000 */
  readonly leaseDurationMs?: number;
  /** How often to try to renew or acquire. @default leaseDurationMs / 3 */
  readonly retryMs?: number;
  readonly log: ReconcileLogger;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
}

export interface LeaderElector {
  readonly identity: string;
  isLeader(): boolean;
  /** Another agent holding the Lease at the last attempt, if one did. */
  holder(): string | undefined;
  /** Why the last attempt could not read or write the Lease, if it could not. */
  lastError(): string | undefined;
  /** Stops campaigning and releases the lease if held, so a standby takes over at once. */
  stop(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  const kube = new KubeClient(options.connection);
  const identity = options.identity ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
  const durationMs = options.leaseDurationMs ?? 15_000;
  const retryMs = options.retryMs ?? Math.max(200, Math.floor(durationMs / 3));
  // Leadership is valid until this moment: the last successful renewal plus the lease duration,
  // less a margin for clock drift, so we stop before anyone else may start.
  let validUntil = 0;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let otherHolder: string | undefined;
  let lastError: string | undefined;

  const isLeader = () => !stopped && Date.now() < validUntil;
  const setLeading = (now: boolean) => {
    if (now === leading) return;
    leading = now;
    options.log.info({ identity, lease: options.name }, now ? 'became the leader' : 'lost the lease; no more writes');
    (now ? options.onStartedLeading : options.onStoppedLeading)?.();
  };

  async function tryAcquireOrRenew(): Promise<void> {
    const now = new Date();
    const lease = await kube.read('coordination.k8s.io/v1', 'Lease', options.namespace, options.name);
    const spec = (lease?.spec ?? {}) as LeaseSpec;
    const mine = spec.holderIdentity === identity;
    const expired = !spec.renewTime || Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
    otherHolder = lease && !mine && !expired ? spec.holderIdentity : undefined;
    if (otherHolder !== undefined) { validUntil = 0; return; }
    const next: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(durationMs / 1000),
      acquireTime: mine ? spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (mine || !lease ? 0 : 1),
    };
    const body: K8sObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: options.name, namespace: options.namespace, ...(lease ? { resourceVersion: lease.metadata.resourceVersion } : {}) }, spec: next };
    if (!lease) await ensureNamespace(kube, options.namespace); // a first agent on a new cluster
    await (lease ? kube.replace(body) : kube.create(body)); // 409 when another agent got there first
    validUntil = now.getTime() + durationMs - Math.min(2_000, durationMs / 5);
  }

  async function loop() {
    lastError = undefined;
    try {
      await tryAcquireOrRenew();
    } catch (error) {
      if (refusalOf(error)?.status !== 409) {
        lastError = refusalOf(error)?.message ?? formatError(error);
        options.log.warn({ err: formatError(error), lease: options.name }, 'leader election: could not read or write the lease');
      }
      if (refusalOf(error)?.status === 409) validUntil = 0; // someone else holds it now
    }
    setLeading(isLeader());
    if (!stopped) timer = setTimeout(loop, retryMs);
  }
  void loop();

  return {
    identity,
    isLeader,
    holder: () => otherHolder,
    lastError: () => lastError,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (leading) {
        const lease = await kube.read('coordination.k8s.io/v1', 'Lease', options.namespace, options.name).catch(() => undefined);
        if ((lease?.spec as LeaseSpec | undefined)?.holderIdentity === identity) {
          await kube.replace({ ...lease!, spec: { ...(lease!.spec as object), holderIdentity: '', renewTime: undefined } }).catch(() => undefined);
        }
        setLeading(false);
      }
    },
  };
}
