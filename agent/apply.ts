// Server-side apply of the plan's objects in stages: each group (stage, wave) concurrently, CRDs of a
// group waited for until Established before the next group, and an object whose immutable field
// changed deleted and re-created when it is annotated to allow that.
import type { LimitFunction } from 'p-limit';
import { formatRef, refKey } from '../core/kinds.ts';
import type { WriterOf } from './dry-run.ts';
import { refusalOf } from './kube.ts';
import { FIELD_MANAGER, RECREATE } from './labels.ts';
import type { InventoryLedger } from './ledger.ts';
import { ownedHash } from './managed-fields.ts';
import type { LiveState } from './observe.ts';
import { isOwnRbacStage, waveOf } from './order.ts';
import type { ApplyStep } from './plan.ts';
import type { Change, DesiredObject, K8sObject } from './types.ts';

export interface ApplierOptions {
  readonly force: boolean;
  readonly limit: LimitFunction;
  /** How long to wait for CRDs to be Established and recreated objects to be gone. */
  readonly waitMs: number;
  /** Why a drift correction must not be made (a fight), or undefined; see drift.ts. */
  readonly fightingWith: (step: ApplyStep) => string | undefined;
}

export class Applier {
  /** Set once this run changed the agent's own RBAC: the API server's authorizer then learns it within moments. */
  private rightsChanged = false;

  constructor(private readonly writerOf: WriterOf, private readonly options: ApplierOptions) {}

  /** Applies the steps in order, recording each result in the ledger; returns one change per step. */
  async applyInStages(steps: readonly ApplyStep[], live: LiveState, ledger: InventoryLedger): Promise<Change[]> {
    const changes: Change[] = [];
    this.rightsChanged = false;
    for (const group of applyGroups(steps)) {
      const applied = await Promise.all(group.map((s) => this.options.limit(() => this.applyOne(s, live, ledger))));
      changes.push(...applied);
      if (isOwnRbacStage(group[0]!.stage) && applied.some((c) => c.action === 'created' || c.action === 'configured')) this.rightsChanged = true;
      const crds = group.filter((s) => s.desired.ref.kind === 'CustomResourceDefinition');
      if (crds.length > 0) await Promise.all(crds.map((s) => this.waitForEstablished(s)));
    }
    return changes;
  }

  private async applyOne(step: ApplyStep, live: LiveState, ledger: InventoryLedger): Promise<Change> {
    const { desired } = step;
    const fight = this.options.fightingWith(step);
    if (fight) return { ref: desired.ref, action: 'skipped', reason: fight };
    try {
      const saved = await this.applyWithNewRights(step);
      ledger.applied(desired, ownedHash(saved, FIELD_MANAGER) ?? '');
      const drift = step.drift ? { drift: true } : {}; // a correction, counted apart from git's changes
      if (!step.exists) return { ref: desired.ref, action: 'created', ...drift };
      const unchanged = live.resourceVersions.get(refKey(desired.ref)) === String(saved.metadata.resourceVersion);
      return { ref: desired.ref, action: unchanged ? 'unchanged' : 'configured', ...drift };
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal?.status === 422 && /immutable/i.test(refusal.message)) return this.recreate(step, refusal.message, ledger);
      if (!step.exists) ledger.notCreated(desired.ref);
      return { ref: desired.ref, action: 'failed', reason: `${desired.file}: ${refusal?.message ?? (error as Error).message}` };
    }
  }

  /** Once the agent's own RBAC changed, a refusal for lack of rights is asked again for up to 2 s (RBAC is seen by the server asynchronously). */
  private async applyWithNewRights(step: ApplyStep): Promise<K8sObject> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writerOf(step).apply(step.desired.object, { force: this.options.force });
      } catch (error) {
        if (!this.rightsChanged || refusalOf(error)?.status !== 403 || attempt === 10) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async recreate(step: ApplyStep, message: string, ledger: InventoryLedger): Promise<Change> {
    const { desired } = step;
    if (desired.object.metadata.annotations?.[RECREATE] !== 'true') {
      return { ref: desired.ref, action: 'failed', reason: `${desired.file}: an immutable field changed (${message}); annotate the object ${RECREATE}: "true" to let the agent delete and re-create it` };
    }
    const { apiVersion } = desired.object;
    const kube = this.writerOf(step);
    await kube.delete({ ...desired.ref, apiVersion }, 'Foreground');
    await this.waitFor(async () => !(await kube.read(apiVersion, desired.ref.kind, desired.ref.namespace, desired.ref.name)), `${formatRef(desired.ref)} to be deleted`);
    const saved = await kube.apply(desired.object, { force: this.options.force });
    ledger.applied(desired, ownedHash(saved, FIELD_MANAGER) ?? '');
    return { ref: desired.ref, action: 'configured', reason: 'deleted and re-created: an immutable field changed' };
  }

  /** Waits until the CRD is Established and its kind shows in discovery, so its objects can be applied next. */
  private async waitForEstablished(step: ApplyStep): Promise<void> {
    const { desired: crd } = step;
    const kube = this.writerOf(step);
    const name = crd.ref.name;
    const spec = crd.object.spec as { group: string; names: { kind: string }; versions?: { name: string; served?: boolean }[] };
    const version = spec.versions?.find((v) => v.served !== false)?.name;
    await this.waitFor(async () => {
      const live = await kube.read('apiextensions.k8s.io/v1', 'CustomResourceDefinition', '', name);
      const conditions = ((live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions) ?? [];
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      kube.refreshDiscovery();
      return !version || (await kube.collectionPath(`${spec.group}/${version}`, spec.names.kind)) !== undefined;
    }, `CustomResourceDefinition ${name} to be Established`);
  }

  private async waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
    const { waitMs } = this.options;
    const deadline = Date.now() + waitMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${waitMs / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
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
