// The agent's own objects: those of the app that renders its GitOpsAgent for this environment (found as
// bootstrap finds it, by its Deployment's labels), and those that app left in the inventory. The agent never
// prunes them, refuses a revision that drops one or that another app claims, and writes them with its own
// identity. Pure: decided from the desired set, the inventory and the live state the planner already has.
import { formatRef, refKey } from '../core/kinds.ts';
import { shownLines } from '../core/bounds.ts';
import type { DesiredObject, DesiredSet, Inventory, K8sObject, LiveObject, ObjectRef } from './types.ts';

// The GitOpsAgent construct labels its objects with these (lib/gitops-agent.ts, standardLabels).
const NAME_LABEL = 'app.kubernetes.io/name';
const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Whether `object` is the Deployment a GitOpsAgent renders for `env` (how the agent and bootstrap find the agent's app). */
export function isAgentDeployment(object: K8sObject, env: string): boolean {
  const labels = object.metadata.labels ?? {};
  return object.kind === 'Deployment' && object.apiVersion === 'apps/v1' && labels[NAME_LABEL] === 'gitops-agent' && labels[COMPONENT_LABEL] === env;
}

export interface OwnObjects {
  /** The agent's app in the revision, else the one recorded in the inventory; undefined: this environment renders no agent. */
  readonly app?: string;
  /** Keys (refKey) of the agent's own objects, in the revision and in the inventory. */
  readonly keys: ReadonlySet<string>;
}

/** Every object of the GitOpsAgent construct is named so (lib/gitops-agent.ts). */
export function agentName(env: string): string {
  return `typed-gitops-agent-${env}`;
}

/** The app the inventory records the agent's Deployment under, or undefined when it records none. */
export function agentAppInInventory(inventory: Inventory): string | undefined {
  const name = agentName(inventory.env);
  return inventory.entries.find((e) => e.ref.group === 'apps' && e.ref.kind === 'Deployment' && e.ref.name === name)?.app;
}

export function ownObjects(desired: DesiredSet, inventory: Inventory): OwnObjects {
  const rendered = desired.objects.find((d) => isAgentDeployment(d.object, desired.revision.env))?.app;
  const recorded = agentAppInInventory(inventory);
  const keys = new Set<string>();
  for (const d of desired.objects) if (d.app === rendered) keys.add(refKey(d.ref));
  for (const e of inventory.entries) if (recorded !== undefined && e.app === recorded) keys.add(refKey(e.ref));
  const app = rendered ?? recorded;
  return app === undefined ? { keys } : { app, keys };
}

export function isOwn(own: OwnObjects | undefined, ref: ObjectRef): boolean {
  return own?.keys.has(refKey(ref)) ?? false;
}

/**
 * Why the revision must not be applied, or undefined: it drops an object of the agent's app that is still in the
 * cluster (relative to the inventory) while pruning is on, or another app holds one of the agent's own objects.
 */
export function ownObjectsRefusal(desired: DesiredSet, inventory: Inventory, live: ReadonlyMap<string, LiveObject>, own: OwnObjects, prune: boolean): string | undefined {
  const env = desired.revision.env;
  const wanted = new Map(desired.objects.map((d) => [refKey(d.ref), d]));
  // Without pruning a dropped object stays anyway (gitops bootstrap applies the agent app without a missing Secret's Deployment).
  const dropped = !prune ? [] : inventory.entries
    .filter((e) => own.keys.has(refKey(e.ref)) && !wanted.has(refKey(e.ref)) && live.get(refKey(e.ref))?.owned)
    .map((e) => `  - ${formatRef(e.ref)} (app ${e.app}) would be removed`);
  const claimed = desired.objects
    .filter((d) => own.keys.has(refKey(d.ref)) && d.app !== own.app)
    .map((d) => `  - ${d.file}: ${formatRef(d.ref)} is the agent's own (app ${own.app}), not app ${d.app}'s`);
  const lines = [...dropped, ...claimed];
  if (lines.length === 0) return undefined;
  return `revision ${desired.revision.commit.slice(0, 12)} would remove or take over ${lines.length} of the agent's own object(s); the agent never removes itself, ` +
    `so the revision is refused and nothing was changed:\n${shownLines(lines)}\n` +
    `To remove the agent, run gitops uninstall --env ${env} (with --prune-all it also deletes what it applied). ` +
    'To drop one of its objects on purpose, delete it with kubectl first: the agent then forgets it.';
}

/**
 * With the environment's ServiceAccount writing the rest (--service-account), the agent's own objects are written
 * with the agent's own identity, so a team's push must not choose them: the lines naming each own object a revision
 * changes (re-applying one as last applied, after drift, is no change), which ownChangeRefusal refuses.
 */
export function ownChanges(steps: readonly { readonly desired: DesiredObject; readonly drift: boolean }[], own: OwnObjects): string[] {
  return steps.filter((s) => !s.drift && own.keys.has(refKey(s.desired.ref))).map((s) => `  - ${s.desired.file}: ${formatRef(s.desired.ref)}`);
}

/** The refusal of a revision changing the agent's own objects (`lines`, from ownChanges) without the platform's approval (`why` not). */
export function ownChangeRefusal(lines: readonly string[], why: string): string {
  return `the revision changes ${lines.length} of the agent's own object(s), which the agent writes with its own identity, not as the environment's ServiceAccount; ` +
    `${why}, so the revision is refused and nothing was changed:\n${shownLines(lines)}\n` +
    'Sign such a commit with a platform key (--platform-keys-secret), or let a platform admin apply the agent\'s app with gitops bootstrap.';
}
