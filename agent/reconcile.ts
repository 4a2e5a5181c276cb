// One reconcile of one environment: Revision -> DesiredSet -> Plan -> (dry run, apply, prune)
// -> ReconcileResult, with the inventory saved and the status published. The decisions are in
// plan.ts; this module only carries them out, in order, against the API server.
import type { KubeConnection } from './kubeconfig.ts';
import pLimit from 'p-limit';
import { formatError } from '../compiler/errors.ts';
import { formatRef, refKey, refOf } from '../compiler/kinds.ts';
import { desiredSet, type ParseCache } from './desired.ts';
import { ensureNamespace, loadInventory, saveInventory } from './inventory.ts';
import { KubeClient, refusalOf } from './kube.ts';
import { FIELD_MANAGER, RECREATE } from './labels.ts';
import { ownedHash } from './managed-fields.ts';
import { observe, type LiveState } from './observe.ts';
import { waveOf } from './order.ts';
import { plan } from './plan.ts';
import { compact, publishStatus, summarize } from './status.ts';
import type { Change, DesiredObject, DesiredSet, Inventory, InventoryEntry, K8sObject, ObjectRef, Plan, ReconcileResult, Revision } from './types.ts';
import { WatchCache } from './watch-cache.ts';
import { healthReport, isSettled } from './health/index.ts';
import type { HealthReport, Observed } from './health/types.ts';
import { observeLive, waitForHealth, type WaitTarget } from './health/wait.ts';

/** The subset of a pino logger the reconciler uses. */
export interface ReconcileLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReconcilerOptions {
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
}

/** Drift corrections of one object within FIGHT_WINDOW_MS above which we stop and report a fight. */
const FIGHT_LIMIT = 3;
const FIGHT_WINDOW_MS = 60_000;

export interface Reconciler {
  readonly kube: KubeClient;
  /** Stops the watches. */
  stop(): void;
  /** Forgets what it keeps in memory (inventory, last status), e.g. after another replica was the leader. */
  reset(): void;
  reconcile(revision: Revision): Promise<ReconcileResult>;
  /** Records that the source could not be read; the cluster stays as last applied. */
  reportSourceError(error: unknown): Promise<void>;
}

type ApplyStep = Plan['apply'][number];

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const kube = new KubeClient(options.connection);
  const limit = pLimit(options.concurrency ?? 8);
  const waitMs = options.waitTimeoutMs ?? 60_000;
  let namespaceReady = false;
  let lastPublished = '';
  let lastRevision: string | undefined;
  // We are the only writer of the inventory (see leader election), so after the first load it lives in memory.
  let inventory: Inventory | undefined;
  let applied = new Map<string, InventoryEntry>();
  const corrections = new Map<string, number[]>();
  const parsed: ParseCache = new Map();
  const cache = options.watch ? new WatchCache({
    kube, env: options.env,
    onEvent: (event, cached) => {
      const ref = refOf(cached.object);
      const entry = applied.get(refKey(ref));
      if (!entry || entry.appliedHash === '') return;
      if (event === 'delete' || cached.ownedHash !== entry.appliedHash) options.onDrift?.(ref);
    },
    onError: (message) => options.log.warn({}, message),
  }) : undefined;

  async function reconcile(revision: Revision): Promise<ReconcileResult> {
    const startedAt = new Date();
    const changes: Change[] = [];
    const errors: string[] = [];
    let health: HealthReport | undefined;
    try {
      if (!namespaceReady) { await ensureNamespace(kube, options.namespace); namespaceReady = true; }
      const desired = desiredSet(revision, parsed);
      inventory ??= await loadInventory(kube, options.namespace, options.env);
      setInventory(inventory);
      const live = await observe(kube, desired, inventory, cache);
      const steps = plan(desired, inventory, live.objects, { prune: options.prune, allowEmpty: options.allowEmpty, selfHeal: options.selfHeal });
      if (steps.refusal) {
        errors.push(steps.refusal);
      } else {
        await carryOut(desired, inventory, live, steps, changes, errors);
        if (errors.length === 0) health = await assess(desired, changes);
      }
    } catch (error) {
      errors.push(formatError(error));
      inventory = undefined; // read it again next time: we may have lost track of what was saved
    }
    const result: ReconcileResult = {
      env: options.env,
      revision: revision.commit,
      sourceCommit: revision.sourceCommit,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      changes,
      errors,
      ...(revision.notices?.length ? { notices: revision.notices } : {}),
      ok: errors.length === 0 && !changes.some((c) => c.action === 'failed'),
      ...(health ? { health } : {}),
    };
    lastRevision = revision.commit;
    await publish(result);
    return result;
  }

  async function carryOut(desired: DesiredSet, previous: Inventory, live: LiveState, steps: Plan, changes: Change[], errors: string[]) {
    for (const s of steps.skip) changes.push({ ref: s.ref, action: 'skipped', reason: s.reason });

    const rejected = await dryRun(desired, steps.apply);
    if (rejected.length > 0) {
      changes.push(...rejected);
      errors.push(`the server rejected ${rejected.length} object(s) in a dry run; nothing was changed`);
      return;
    }

    // Record intent first: an agent killed mid-sync still knows every object it may have created.
    const entries = new Map(previous.entries.map((e) => [refKey(e.ref), e]));
    const fresh = steps.apply.filter((s) => !entries.has(refKey(s.desired.ref)));
    for (const s of fresh) entries.set(refKey(s.desired.ref), entryFor(s.desired, '', ''));
    if (fresh.length > 0) await save({ env: options.env, revision: desired.revision.commit, entries: [...entries.values()] });

    for (const group of applyGroups(steps.apply)) {
      changes.push(...await Promise.all(group.map((s) => limit(() => applyOne(s, live, entries)))));
      const crds = group.filter((s) => s.desired.ref.kind === 'CustomResourceDefinition');
      if (crds.length > 0) await Promise.all(crds.map((s) => waitForEstablished(s.desired)));
    }
    for (const s of steps.unchanged) changes.push({ ref: s.desired.ref, action: 'unchanged' });

    const failed = changes.filter((c) => c.action === 'failed').length;
    for (const s of steps.prune) {
      const key = refKey(s.entry.ref);
      if (failed > 0) {
        changes.push({ ref: s.entry.ref, action: 'skipped', reason: `not pruned: ${failed} object(s) failed to apply` });
        continue;
      }
      try {
        await kube.delete({ ...s.entry.ref, apiVersion: s.entry.apiVersion }, options.propagationPolicy ?? 'Background');
        entries.delete(key);
        changes.push({ ref: s.entry.ref, action: 'pruned' });
      } catch (error) {
        changes.push({ ref: s.entry.ref, action: 'failed', reason: `prune failed: ${(error as Error).message}` });
      }
    }
    // Objects annotated to stay, or taken over by someone else, are no longer ours to track.
    for (const s of steps.skip) if (s.untrack) entries.delete(refKey(s.ref));
    const next: Inventory = { env: options.env, revision: desired.revision.commit, entries: [...entries.values()] };
    if (JSON.stringify(next) !== JSON.stringify(previous)) await save(next); // steady state: no write
    setInventory(next);
  }

  /** Dry-runs every object; objects that can only be checked after stage 0 (new namespace or CRD) are let through. */
  async function dryRun(desired: DesiredSet, steps: readonly ApplyStep[]): Promise<Change[]> {
    const newNamespaces = new Set(steps.filter((s) => s.desired.ref.kind === 'Namespace').map((s) => s.desired.ref.name));
    const newKinds = new Set(desired.objects.filter((d) => d.ref.kind === 'CustomResourceDefinition').map((d) => {
      const spec = d.object.spec as { group?: string; names?: { kind?: string } };
      return `${spec.group}/${spec.names?.kind}`;
    }));
    const results = await Promise.all(steps.map((s) => limit(async (): Promise<Change | undefined> => {
      try {
        await kube.apply(s.desired.object, { dryRun: true, force: options.force });
        return undefined;
      } catch (error) {
        const refusal = refusalOf(error);
        const deferred = (refusal?.status === 404 && newNamespaces.has(s.desired.ref.namespace)) ||
          (newKinds.has(`${s.desired.ref.group}/${s.desired.ref.kind}`) && (refusal === undefined || refusal.status === 404 || refusal.reason === 'Unreachable'));
        return deferred ? undefined : { ref: s.desired.ref, action: 'failed', reason: `${s.desired.file}: ${refusal?.message ?? (error as Error).message}` };
      }
    })));
    return results.filter((c): c is Change => c !== undefined);
  }

  /**
   * Health of the desired objects. After a change, the objects this reconcile wrote are waited for (up to
   * healthTimeoutMs) and, if they do not settle, the report says which one holds them up; the others are
   * read once. With the watch cache, this costs no requests.
   */
  async function assess(desired: DesiredSet, changes: readonly Change[]): Promise<HealthReport> {
    const targets = desired.objects.map((d) => ({ apiVersion: d.object.apiVersion, ref: d.ref, app: d.app }));
    const read = cache ? async (wanted: readonly WaitTarget[]) => observeCached(cache, wanted) : (wanted: readonly WaitTarget[]) => observeLive(kube, wanted);
    const timeoutMs = options.healthTimeoutMs ?? 30_000;
    const written = new Set(changes.filter((c) => c.action === 'created' || c.action === 'configured').map((c) => refKey(c.ref)));
    const waited = written.size > 0 && timeoutMs > 0
      ? await waitForHealth(kube, targets.filter((t) => written.has(refKey(t.ref))), { timeoutMs, pollMs: 500, observe: read })
      : undefined;
    const apps = new Map(targets.map((t) => [refKey(t.ref), t.app]));
    const report = healthReport(await read(targets), (ref) => apps.get(refKey(ref)));
    return waited && !waited.objects.every((o) => isSettled(o.status)) ? { ...report, message: waited.message } : report;
  }

  async function save(next: Inventory) {
    await saveInventory(kube, options.namespace, next);
    inventory = next;
  }

  function setInventory(current: Inventory) {
    inventory = current;
    applied = new Map(current.entries.map((e) => [refKey(e.ref), e]));
  }

  /** A drift correction that keeps being undone is a fight with another writer: report it instead of looping. */
  function fightingWith(step: ApplyStep): string | undefined {
    if (!step.drift) return undefined;
    const key = refKey(step.desired.ref);
    const now = Date.now();
    const recent = (corrections.get(key) ?? []).filter((t) => now - t < FIGHT_WINDOW_MS);
    if (recent.length >= FIGHT_LIMIT) {
      const other = cache?.list(step.desired.object.apiVersion, step.desired.ref.kind).find((c) => refKey(refOf(c.object)) === key)?.lastOtherManager;
      return `fight: changed back ${recent.length} times in ${FIGHT_WINDOW_MS / 1000} s${other ? ` by ${other}` : ''}; not re-applying until git changes it (stop the other writer, or stop setting the field in git)`;
    }
    corrections.set(key, [...recent, now]);
    return undefined;
  }

  async function applyOne(step: ApplyStep, live: LiveState, entries: Map<string, InventoryEntry>): Promise<Change> {
    const { desired } = step;
    const key = refKey(desired.ref);
    const fight = fightingWith(step);
    if (fight) return { ref: desired.ref, action: 'skipped', reason: fight };
    if (!step.drift) corrections.delete(key);
    try {
      const saved = await kube.apply(desired.object, { force: options.force });
      entries.set(key, entryFor(desired, desired.hash, ownedHash(saved, FIELD_MANAGER) ?? ''));
      if (!step.exists) return { ref: desired.ref, action: 'created' };
      const unchanged = live.resourceVersions.get(key) === String(saved.metadata.resourceVersion);
      return { ref: desired.ref, action: unchanged ? 'unchanged' : 'configured' };
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal?.status === 422 && /immutable/i.test(refusal.message)) return recreate(desired, refusal.message, entries);
      if (!step.exists && entries.get(key)?.desiredHash === '') entries.delete(key);
      return { ref: desired.ref, action: 'failed', reason: `${desired.file}: ${refusal?.message ?? (error as Error).message}` };
    }
  }

  async function recreate(desired: DesiredObject, message: string, entries: Map<string, InventoryEntry>): Promise<Change> {
    if (desired.object.metadata.annotations?.[RECREATE] !== 'true') {
      return { ref: desired.ref, action: 'failed', reason: `${desired.file}: an immutable field changed (${message}); annotate the object ${RECREATE}: "true" to let the agent delete and re-create it` };
    }
    await kube.delete({ ...desired.ref, apiVersion: desired.object.apiVersion }, 'Foreground');
    await waitFor(async () => !(await kube.read(desired.object.apiVersion, desired.ref.kind, desired.ref.namespace, desired.ref.name)), `${formatRef(desired.ref)} to be deleted`);
    const saved = await kube.apply(desired.object, { force: options.force });
    entries.set(refKey(desired.ref), entryFor(desired, desired.hash, ownedHash(saved, FIELD_MANAGER) ?? ''));
    return { ref: desired.ref, action: 'configured', reason: 'deleted and re-created: an immutable field changed' };
  }

  /** Waits until the CRD is Established and its kind shows in discovery, so its objects can be applied next. */
  async function waitForEstablished(crd: DesiredObject) {
    const name = crd.ref.name;
    const spec = crd.object.spec as { group: string; names: { kind: string }; versions?: { name: string; served?: boolean }[] };
    const version = spec.versions?.find((v) => v.served !== false)?.name;
    await waitFor(async () => {
      const live = await kube.read('apiextensions.k8s.io/v1', 'CustomResourceDefinition', '', name);
      const conditions = ((live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? [];
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      kube.refreshDiscovery();
      return !version || (await kube.collectionPath(`${spec.group}/${version}`, spec.names.kind)) !== undefined;
    }, `CustomResourceDefinition ${name} to be Established`);
  }

  async function waitFor(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + waitMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${waitMs / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Status is written only when it says something new, so steady state costs no writes. */
  async function publish(result: ReconcileResult) {
    const health = result.health && [result.health.status, Object.entries(result.health.apps).map(([app, h]) => `${app}:${h.status}`)];
    const fingerprint = JSON.stringify([result.revision, result.ok, result.errors, result.changes.filter((c) => c.action !== 'unchanged'), health]);
    const level = result.ok ? 'info' : 'error';
    options.log[level]({ result: compact(result) }, summarize(result));
    if (fingerprint === lastPublished) return;
    try {
      await publishStatus(kube, options.namespace, result);
      lastPublished = fingerprint;
    } catch (error) {
      options.log.warn({ err: formatError(error) }, 'could not write the status object');
    }
  }

  async function reportSourceError(error: unknown) {
    await publish({
      env: options.env, revision: lastRevision, startedAt: new Date().toISOString(), durationMs: 0,
      changes: [], errors: [`source: ${formatError(error)}; the cluster stays as last applied`], ok: false,
    });
  }

  const reset = () => { inventory = undefined; applied = new Map(); lastPublished = ''; corrections.clear(); };
  return { kube, reconcile, reportSourceError, reset, stop: () => cache?.stop() };
}

/** Live objects for health checks from the watch cache, one index per kind. */
function observeCached(cache: WatchCache, targets: readonly WaitTarget[]): Observed[] {
  const byKind = new Map<string, Map<string, K8sObject>>();
  return targets.map((t) => {
    const kindKey = `${t.apiVersion}/${t.ref.kind}`;
    let index = byKind.get(kindKey);
    if (!index) {
      index = new Map(cache.list(t.apiVersion, t.ref.kind).map((c) => [refKey(refOf(c.object)), c.object]));
      byKind.set(kindKey, index);
    }
    return { ref: t.ref, object: index.get(refKey(t.ref)) };
  });
}

function entryFor(d: DesiredObject, desiredHash: string, appliedHash: string): InventoryEntry {
  return { ref: d.ref, apiVersion: d.object.apiVersion, app: d.app, desiredHash, appliedHash };
}

/** Apply steps grouped by stage and wave, in order; each group is applied concurrently. */
function applyGroups(steps: readonly ApplyStep[]): ApplyStep[][] {
  const groups: ApplyStep[][] = [];
  let current = '';
  for (const s of steps) {
    const key = `${s.stage}:${waveOf(s.desired.object)}`;
    if (key !== current) { groups.push([]); current = key; }
    groups[groups.length - 1].push(s);
  }
  return groups;
}
