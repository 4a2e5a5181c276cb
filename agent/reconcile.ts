// One reconcile of one environment: Revision -> DesiredSet -> Plan -> ChangeSet -> HealthReport ->
// ReconcileResult, with the inventory saved and the status published. The decisions are in plan.ts;
// each operation has its module (dry-run, apply, prune, drift, assess, reporter); this one runs them in order.
import pLimit from 'p-limit';
import { formatError } from '../core/errors.ts';
import { refKey, refOf } from '../core/kinds.ts';
import { Applier } from './apply.ts';
import { assessHealth } from './assess.ts';
import { desiredSet, type ParseCache } from './desired.ts';
import { secretDecryptor } from './decrypt.ts';
import type { AgeIdentities } from './age-identities.ts';
import { DriftTracker } from './drift.ts';
import { dryRun, judge } from './dry-run.ts';
import { actingAs, serviceAccountIdentity } from './impersonation.ts';
import { ensureNamespace, loadInventory, saveInventory } from './inventory.ts';
import { KubeClient } from './kube.ts';
import type { RevisionLimits } from '../core/limits.ts';
import type { KubeConnection } from './kubeconfig.ts';
import { InventoryLedger } from './ledger.ts';
import { observe, type LiveState } from './observe.ts';
import { isOwn, ownChangeRefusal, ownChanges, ownObjects, type OwnObjects } from './own-objects.ts';
import { plan, type ApplyStep } from './plan.ts';
import { prune } from './prune.ts';
import { guardRefusal, type RevisionGuard } from './revision-guard.ts';
import { StatusReporter, type ReconcileLogger } from './reporter.ts';
import { takeBackHandEdits, withUndone } from './take-back.ts';
import type { Change, DesiredSet, Inventory, ObjectRef, Plan, ReconcileResult, Revision } from './types.ts';
import { WatchCache } from './watch-cache.ts';
import type { HealthReport } from './health/types.ts';

export type { ReconcileLogger } from './reporter.ts';

export interface ReconcilerOptions extends RevisionGuard {
  readonly connection: KubeConnection;
  readonly env: string;
  /** The agent's namespace, for the inventory and status objects. */
  readonly namespace: string;
  readonly prune: boolean;
  readonly allowEmpty: boolean;
  /** Take over fields other managers own (server-side apply force). */
  readonly force: boolean;
  readonly log: ReconcileLogger;
  /** How pruned objects' dependents go. @default 'Background' */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Requests in flight at once within a stage. @default 8 */
  readonly concurrency?: number;
  /** How long to wait for CRDs to be Established and recreated objects to be gone. @default 60 s */
  readonly waitTimeoutMs?: number;
  /** Re-apply objects someone changed or deleted; when off, report them. @default true */
  readonly selfHeal?: boolean;
  /** Keep a watch-fed cache of our objects (steady state costs no requests) and call onDrift when one drifts. @default false */
  readonly watch?: boolean;
  /** Called when a watched object no longer matches what we applied; the caller schedules a reconcile. @default nothing */
  readonly onDrift?: (ref: ObjectRef) => void;
  /** After creating or changing objects, wait this long for them to become healthy (0: assess once). @default 30_000 */
  readonly healthTimeoutMs?: number;
  /** What one revision may hold. @default DEFAULT_LIMITS */
  readonly limits?: RevisionLimits;
  /** Write the environment's objects as this ServiceAccount (impersonated), so RBAC bounds what a revision can do. @default the agent's own identity */
  readonly serviceAccount?: { readonly namespace: string; readonly name: string };
  /**
   * With serviceAccount: whether the platform approved a commit that changes the agent's own objects (written with
   * the agent's identity); resolves to why not, or undefined when it did. @default none is: `gitops bootstrap` changes them
   */
  readonly platformApproval?: (commit: string) => Promise<string | undefined>;
  /** The age identities that open the revision's encrypted Secrets. @default none: a revision holding one is not applied */
  readonly ageIdentities?: AgeIdentities;
}

export interface Reconciler {
  /** The agent's own identity: its inventory, status, Events and namespace, and the reads (lists, watches, health). */
  readonly kube: KubeClient;
  /** Stops the watches. */
  stop(): void;
  /** Forgets what it keeps in memory (inventory, last status), e.g. after another replica was the leader. */
  reset(): void;
  reconcile(revision: Revision): Promise<ReconcileResult>;
  /** Records that the source could not be read; the cluster stays as last applied. */
  reportSourceError(error: unknown): Promise<void>;
}

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const kube = new KubeClient(options.connection);
  const writer = objectWriter(kube, options);
  const limit = pLimit(options.concurrency ?? 8);
  const drift = new DriftTracker();
  const reporter = new StatusReporter(kube, options.namespace, options.log);
  const parsed: ParseCache = new Map();
  const decrypt = secretDecryptor(options.ageIdentities);
  const cache = options.watch ? new WatchCache({
    kube, env: options.env,
    onEvent: (event, cached) => { const ref = drift.drifted(event, cached); if (ref) options.onDrift?.(ref); },
    onError: (message) => options.log.warn({}, message),
  }) : undefined;
  const otherManager = (ref: ObjectRef, apiVersion: string) => () =>
    cache?.list(apiVersion, ref.kind).find((c) => refKey(refOf(c.object)) === refKey(ref))?.lastOtherManager;
  // The agent's own objects of the reconcile under way: written with its own identity, never as the environment's.
  let own: OwnObjects | undefined;
  const writerOf = (step: ApplyStep) => (isOwn(own, step.desired.ref) ? kube : writer);
  const applier = new Applier(writerOf, {
    force: options.force, limit, waitMs: options.waitTimeoutMs ?? 60_000,
    fightingWith: (step) => drift.fightingWith(step, otherManager(step.desired.ref, step.desired.object.apiVersion)),
  });
  let namespaceReady = false;
  let lastRevision: string | undefined;
  // We are the only writer of the inventory (see leader election), so after the first load it lives in memory.
  let inventory: Inventory | undefined;

  async function reconcile(revision: Revision): Promise<ReconcileResult> {
    const startedAt = new Date();
    const changes: Change[] = [];
    const errors: string[] = [];
    let health: HealthReport | undefined;
    try {
      if (!namespaceReady) { await ensureNamespace(kube, options.namespace); namespaceReady = true; }
      const desired = await decrypt(desiredSet(revision, parsed, options.limits));
      // Before anything is read or written: the bounds are the agent's own, whatever the revision says.
      const outside = await guardRefusal(desired.objects, options);
      if (outside) errors.push(outside);
      else health = await planAndSync(desired, changes, errors);
    } catch (error) {
      errors.push(formatError(error));
      inventory = undefined; // read it again next time: we may have lost track of what was saved
    }
    const result: ReconcileResult = {
      env: options.env,
      revision: revision.commit,
      sourceCommit: revision.sourceCommit,
      ...(revision.subject ? { subject: revision.subject } : {}),
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      changes,
      errors,
      ...(revision.notices?.length ? { notices: revision.notices } : {}),
      ok: errors.length === 0 && !changes.some((c) => c.action === 'failed'),
      ...(health ? { health } : {}),
    };
    lastRevision = revision.commit;
    await reporter.publish(result);
    return result;
  }

  async function planAndSync(desired: DesiredSet, changes: Change[], errors: string[]): Promise<HealthReport | undefined> {
    inventory ??= await loadInventory(kube, options.namespace, options.env);
    drift.track(inventory);
    drift.hold(); // the watch events of this sync's own writes are no drift: compared once it saved what it applied
    try {
      const live = await observe(kube, desired, inventory, cache);
      own = ownObjects(desired, inventory);
      const steps = plan(desired, inventory, live.objects, { prune: options.prune, allowEmpty: options.allowEmpty, selfHeal: options.selfHeal, own });
      const refusal = steps.refusal ?? await platformRefusal(desired, steps);
      if (refusal) { errors.push(refusal); return undefined; }
      await sync(desired, inventory, live, steps, changes, errors);
    } finally {
      for (const ref of drift.release()) options.onDrift?.(ref);
    }
    return errors.length === 0 ? assessHealth(kube, cache, desired, changes, options.healthTimeoutMs ?? 30_000) : undefined;
  }

  /** Dry run, then apply in stages, then prune; the inventory is saved before the first write and after the last. */
  async function sync(desired: DesiredSet, previous: Inventory, live: LiveState, steps: Plan, changes: Change[], errors: string[]) {
    for (const s of steps.skip) changes.push({ ref: s.ref, action: 'skipped', reason: s.reason });

    const ledger = new InventoryLedger(previous);
    // Objects gone, annotated to stay, or taken over by someone else are no longer ours to track, whatever happens next.
    for (const s of steps.skip) if (s.untrack) ledger.forget(s.ref);

    const undone = await takeBack(steps.apply, live);
    const rejections = await dryRun(writerOf, desired, steps.apply, { force: options.force, limit });
    const verdict = judge(rejections);
    changes.push(...verdict.changes);
    if (verdict.stop) {
      errors.push(`the server rejected ${rejections.length} object(s) in a dry run; nothing was changed`);
      await saveIfChanged(ledger.toInventory(options.env, previous.revision), previous);
      return;
    }
    const blocked = new Set(rejections.map((r) => refKey(r.step.desired.ref)));
    const toApply = steps.apply.filter((s) => !blocked.has(refKey(s.desired.ref)));

    // Record intent first: an agent killed mid-sync still knows every object it may have created.
    const revision = desired.revision.commit;
    if (ledger.intend(toApply.map((s) => s.desired))) await save(ledger.toInventory(options.env, revision));

    changes.push(...(await applier.applyInStages(toApply, live, ledger)).map((c) => withUndone(c, undone)));
    for (const s of steps.unchanged) changes.push({ ref: s.desired.ref, action: 'unchanged' });
    const failed = changes.filter((c) => c.action === 'failed').length;
    changes.push(...await prune(writer, steps.prune, ledger, { failed, propagationPolicy: options.propagationPolicy ?? 'Background' }));
    await saveIfChanged(ledger.toInventory(options.env, revision), previous);
  }

  /** Hand edits are taken back by whoever writes the object next: the agent for its own, else the environment's writer. */
  async function takeBack(apply: readonly ApplyStep[], live: LiveState): Promise<Map<string, string>> {
    if (writer === kube) return takeBackHandEdits(kube, apply, live, limit);
    const mine = apply.filter((s) => writerOf(s) === kube);
    const theirs = apply.filter((s) => writerOf(s) !== kube);
    return new Map([...await takeBackHandEdits(kube, mine, live, limit), ...await takeBackHandEdits(writer, theirs, live, limit)]);
  }

  /** Under impersonation, a change to the agent's own objects needs the platform's approval (ownChangeRefusal). */
  async function platformRefusal(desired: DesiredSet, steps: Plan): Promise<string | undefined> {
    if (!options.serviceAccount || !own) return undefined;
    const lines = ownChanges(steps.apply, own);
    if (lines.length === 0) return undefined;
    const why = options.platformApproval ? await options.platformApproval(desired.revision.commit)
      : 'no platform key is configured (--platform-keys-secret), so only the platform changes them';
    return why === undefined ? undefined : ownChangeRefusal(lines, why);
  }

  async function saveIfChanged(next: Inventory, previous: Inventory) {
    if (JSON.stringify(next) !== JSON.stringify(previous)) await save(next); // steady state: no write
    inventory = next;
    drift.track(next);
  }

  async function save(next: Inventory) {
    await saveInventory(kube, options.namespace, next);
    inventory = next;
  }

  async function reportSourceError(error: unknown) {
    await reporter.publish({
      env: options.env, revision: lastRevision, startedAt: new Date().toISOString(), durationMs: 0,
      changes: [], errors: [`source: ${formatError(error)}; the cluster stays as last applied`], ok: false,
    });
  }

  const reset = () => { inventory = undefined; drift.reset(); reporter.reset(); };
  return { kube, reconcile, reportSourceError, reset, stop: () => cache?.stop() };
}

/**
 * Who writes the environment's objects (dry run, apply, take-back, prune): the ServiceAccount when one is
 * set, so Kubernetes RBAC refuses what it may not do; else the agent itself. Reads stay with the agent:
 * they list each kind across namespaces, which a namespace-bound ServiceAccount may not. Writes follow the
 * agent's leader guard and its discovery refreshes.
 */
export function objectWriter(kube: KubeClient, options: Pick<ReconcilerOptions, 'connection' | 'serviceAccount'>): KubeClient {
  if (!options.serviceAccount) return kube;
  const writer = new KubeClient(actingAs(options.connection, serviceAccountIdentity(options.serviceAccount.namespace, options.serviceAccount.name)));
  writer.writeGuard = () => kube.writeGuard?.();
  // CRDs are established through the writer; the reads (observe, the watch cache) must see their kinds at once too.
  const refresh = writer.refreshDiscovery.bind(writer);
  writer.refreshDiscovery = () => { refresh(); kube.refreshDiscovery(); };
  return writer;
}
