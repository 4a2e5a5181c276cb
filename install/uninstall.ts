// `gitops uninstall`: removes the agent of one environment — its Deployment first, so it stops, then its
// other objects, its inventory, status, Lease and settings ConfigMap — and, only with --prune-all, what
// it applied. Deletions go through the agent's own planner and prune (agent/plan.ts, agent/prune.ts): only
// objects of the inventory that carry our owner labels for the environment, never one annotated to stay. It plans
// without the agent's own objects (no `own`), which the agent never deletes itself: here they go on purpose.
import { ClusterError, UserInputError } from '../core/errors.ts';
import { formatRef, refKey } from '../core/kinds.ts';
import { agentReferences, SETTINGS_OF } from './bootstrap-plan.ts';
import { deleteInventory, inventoryName, loadInventory, saveInventory, SHARD_OF } from '../agent/inventory.ts';
import { KubeClient } from '../agent/kube.ts';
import { loadConnection } from '../agent/kubeconfig.ts';
import { InventoryLedger } from '../agent/ledger.ts';
import { leaseName } from '../agent/leadership.ts';
import { observe } from '../agent/observe.ts';
import { agentAppInInventory, agentName as agentNameOf } from '../agent/own-objects.ts';
import { plan } from '../agent/plan.ts';
import { prune } from '../agent/prune.ts';
import { statusName } from '../agent/status.ts';
import type { NamedObject } from '../agent/named-object.ts';
import type { Change, DesiredSet, Inventory, InventoryEntry } from '../agent/types.ts';

export interface UninstallOptions {
  readonly env: string;
  /** The agent's namespace (its inventory, status and Lease). */
  readonly namespace: string;
  readonly kubeconfig?: string;
  /** Also delete what the agent applied. */
  readonly pruneAll: boolean;
  /** How long to wait for the Deployment (and so the agent) to be gone. */
  readonly timeoutMs: number;
  readonly print: (line: string) => void;
}

export interface UninstallOutcome {
  readonly changes: readonly Change[];
  /** Objects the agent applied that stay (without --prune-all). */
  readonly left: number;
}

export async function uninstall(options: UninstallOptions): Promise<UninstallOutcome> {
  const { env, namespace, print } = options;
  const kube = new KubeClient(loadConnection(options.kubeconfig));
  const inventory = await loadInventory(kube, namespace, env);
  const agentName = agentNameOf(env);
  const app = agentAppOf(inventory, namespace);
  const isDeployment = (e: InventoryEntry) => e.ref.group === 'apps' && e.ref.kind === 'Deployment' && e.ref.name === agentName;
  const ledger = new InventoryLedger(inventory);
  const deployment = await kube.read('apps/v1', 'Deployment', namespace, agentName);
  const settings = deployment && agentReferences(deployment).settings;
  const run = (label: string, entries: readonly InventoryEntry[], policy: 'Background' | 'Foreground' = 'Background') =>
    removeEntries(kube, env, entries, ledger, policy).then((changes) => { printChanges(label, changes, print); return changes; });

  const changes = await run('stopping the agent', inventory.entries.filter(isDeployment), 'Foreground');
  await waitUntilGone(kube, namespace, agentName, options.timeoutMs);
  const others = inventory.entries.filter((e) => e.app !== app);
  if (options.pruneAll) changes.push(...await run(`deleting what it applied for ${env}`, others));
  const kept = await keptNamespace(kube, namespace, env, options.pruneAll ? [] : others);
  const rest = inventory.entries.filter((e) => e.app === app && !isDeployment(e) && !(kept && e.ref.kind === 'Namespace' && e.ref.name === namespace));
  changes.push(...await run('removing its other objects', rest));
  if (kept) print(`  kept Namespace ${namespace}: ${kept}`);

  const failed = changes.filter((c) => c.action === 'failed');
  if (failed.length) {
    await saveInventory(kube, namespace, ledger.toInventory(env, inventory.revision));
    throw new ClusterError(`${failed.length} object(s) could not be deleted; the inventory keeps them:\n  ${failed.map((c) => `${formatRef(c.ref)}: ${c.reason}`).join('\n  ')}`, {
      env, hint: 'Fix what is named above, then run gitops uninstall again.',
    });
  }
  const settingsDeleted = await removeState(kube, namespace, env, settings);
  print(`deleted the inventory, status and Lease of ${env}${settingsDeleted ? ` and the settings ConfigMap ${settings!.namespace}/${settings!.name}` : ''}`);
  const left = options.pruneAll ? 0 : others.length;
  if (left) print(`left the ${left} object(s) it applied; gitops uninstall --env ${env} --prune-all would have deleted them`);
  return { changes, left };
}

/** The app the agent's own objects were applied as (the app of its Deployment). */
function agentAppOf(inventory: Inventory, namespace: string): string {
  const app = agentAppInInventory(inventory);
  if (app) return app;
  throw new UserInputError(`no agent of ${inventory.env} is recorded in the inventory ConfigMap ${namespace}/${inventoryName(inventory.env)}; nothing was deleted`, {
    env: inventory.env, hint: "Check --env and --namespace (the agent's namespace); an agent installed with gitops bootstrap records its objects there.",
  });
}

/** Deletes inventory entries as a prune of a revision without them would: owned, not annotated to stay, in reverse apply order. */
async function removeEntries(kube: KubeClient, env: string, entries: readonly InventoryEntry[], ledger: InventoryLedger, propagationPolicy: 'Background' | 'Foreground'): Promise<Change[]> {
  const inventory: Inventory = { env, entries };
  const desired: DesiredSet = { revision: { commit: '', env, files: new Map() }, objects: [] };
  const live = await observe(kube, desired, inventory);
  const steps = plan(desired, inventory, live.objects, { prune: true, allowEmpty: true });
  const skipped = steps.skip.map((s): Change => ({ ref: s.ref, action: 'skipped', reason: live.objects.has(refKey(s.ref)) ? s.reason : `not in the cluster with our owner labels for ${env}; not deleted` }));
  for (const s of steps.skip) ledger.forget(s.ref);
  return [...skipped, ...await prune(kube, steps.prune, ledger, { failed: 0, propagationPolicy })];
}

function printChanges(label: string, changes: readonly Change[], print: (line: string) => void): void {
  if (changes.length === 0) return;
  print(`${label}:`);
  for (const c of changes) print(`  ${c.action === 'pruned' ? 'deleted' : c.action} ${formatRef(c.ref)}${c.reason ? ` (${c.reason})` : ''}`);
}

async function waitUntilGone(kube: KubeClient, namespace: string, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await kube.read('apps/v1', 'Deployment', namespace, name)) {
    if (Date.now() >= deadline) {
      throw new ClusterError(`Deployment ${namespace}/${name} is still there after ${Math.round(timeoutMs / 1000)} s (its pods are being deleted); nothing else was deleted`, {
        object: `Deployment ${namespace}/${name}`, hint: 'Run gitops uninstall again once it is gone (kubectl get deployment, pods).',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Why the agent's Namespace stays: Secrets someone created there, objects the agent applied that stay, or the
 * agents of other environments (their inventories: two environments may share it); undefined when none.
 */
async function keptNamespace(kube: KubeClient, namespace: string, env: string, staying: readonly InventoryEntry[]): Promise<string | undefined> {
  const secrets = (await kube.list('v1', 'Secret', { namespace }))
    .filter((s) => s.type !== 'kubernetes.io/service-account-token').map((s) => s.metadata.name ?? '');
  const objects = staying.filter((e) => e.ref.namespace === namespace).map((e) => formatRef(e.ref));
  const prefix = inventoryName('');
  const agents = (await kube.list('v1', 'ConfigMap', { namespace }))
    .filter((c) => c.metadata.name?.startsWith(prefix) && c.metadata.name !== inventoryName(env) && !c.metadata.labels?.[SHARD_OF])
    .map((c) => c.metadata.name!.slice(prefix.length));
  const held = [
    ...(secrets.length ? [`Secrets ${secrets.join(', ')}`] : []), ...(objects.length ? [`what it applied (${objects.join(', ')})`] : []),
    ...(agents.length ? [`the agents of ${agents.join(', ')}`] : []),
  ];
  if (held.length === 0) return undefined;
  return `it holds ${held.join(' and ')}; kubectl delete namespace ${namespace} deletes it with them`;
}

/** Deletes the agent's state; true when it deleted the settings ConfigMap too (only one bootstrap made for this environment). */
async function removeState(kube: KubeClient, namespace: string, env: string, settings: NamedObject | undefined): Promise<boolean> {
  await deleteInventory(kube, namespace, env);
  const configMap = (ns: string, name: string) => ({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: ns, name });
  await kube.delete(configMap(namespace, statusName(env)), 'Background');
  await kube.delete({ apiVersion: 'coordination.k8s.io/v1', group: 'coordination.k8s.io', kind: 'Lease', namespace, name: leaseName(env) }, 'Background');
  const live = settings && await kube.read('v1', 'ConfigMap', settings.namespace, settings.name);
  if (!live || live.metadata.labels?.[SETTINGS_OF] !== env) return false;
  await kube.delete(configMap(settings.namespace, settings.name), 'Background');
  return true;
}
