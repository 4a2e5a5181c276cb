// The planner with the agent's own objects: never dropped or pruned, never claimed by another app, its RBAC
// first and its Deployment last; uninstall plans without them and deletes them.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { refKey } from '../core/kinds.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { desiredSet } from './desired.ts';
import { STAGES } from './order.ts';
import { ownChanges, ownObjects } from './own-objects.ts';
import { plan } from './plan.ts';
import type { DesiredSet, Inventory, K8sObject, LiveObject } from './types.ts';

const NAME = 'typed-gitops-agent-dev';
const meta = (kind: string, namespace?: string, name = NAME) => ({ apiVersion: kind === 'Deployment' ? 'apps/v1' : /Role/.test(kind) ? 'rbac.authorization.k8s.io/v1' : 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
const agentDeployment = (image = 'agent:1'): K8sObject => ({
  ...meta('Deployment', 'gitops-system'),
  metadata: { name: NAME, namespace: 'gitops-system', labels: { 'app.kubernetes.io/name': 'gitops-agent', 'app.kubernetes.io/component': 'dev' } },
  spec: { template: { spec: { containers: [{ name: 'agent', image }] } } },
});
const agentApp = (image?: string): K8sObject[] => [
  meta('Namespace', undefined, 'gitops-system'), meta('ServiceAccount', 'gitops-system'), meta('ClusterRole'), meta('ClusterRoleBinding'),
  meta('Role', 'shop'), meta('RoleBinding', 'shop'), meta('Service', 'gitops-system'), agentDeployment(image),
];
const web = (): K8sObject[] => [meta('Namespace', undefined, 'shop'), meta('ConfigMap', 'shop', 'web'), { ...meta('Deployment', 'shop', 'web') }];

function revision(apps: Record<string, K8sObject[]>): DesiredSet {
  const files = new Map<string, string>();
  for (const [app, objects] of Object.entries(apps)) {
    objects.forEach((o, i) => files.set(`${app}/${o.metadata.namespace ?? '_cluster'}/${i}.yaml`,
      stringify({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...ownerLabels(app, 'dev') } } }, { version: '1.1' })));
  }
  return desiredSet({ commit: 'c0ffee', env: 'dev', files });
}
/** The inventory and live state after `applied` was applied. */
function applied(desired: DesiredSet): { inventory: Inventory; live: Map<string, LiveObject> } {
  const entries = desired.objects.map((d) => ({ ref: d.ref, apiVersion: d.object.apiVersion, app: d.app, desiredHash: d.hash, appliedHash: 'a' }));
  return { inventory: { env: 'dev', entries }, live: new Map(entries.map((e) => [refKey(e.ref), { ref: e.ref, owned: true, ownedHash: 'a', skipPrune: false }])) };
}
const options = { prune: true, allowEmpty: false };
const planned = (next: DesiredSet, before: DesiredSet) => {
  const { inventory, live } = applied(before);
  return plan(next, inventory, live, { ...options, own: ownObjects(next, inventory) });
};

describe('the agent\'s own objects', () => {
  const installed = revision({ 'gitops-agent': agentApp(), web: web() });

  it('are the objects of the app rendering its Deployment, in the revision and in the inventory', () => {
    const own = ownObjects(installed, applied(installed).inventory);
    expect(own.app).toBe('gitops-agent');
    expect(own.keys.size).toBe(8);
    expect(ownObjects(revision({ web: web() }), applied(installed).inventory)).toMatchObject({ app: 'gitops-agent' });
  });

  it('refuse a revision that drops one, or the whole agent, naming them and how to uninstall', () => {
    const dropped = planned(revision({ 'gitops-agent': agentApp().filter((o) => o.kind !== 'Role'), web: web() }), installed);
    expect(dropped.refusal).toMatch(/Role shop\/typed-gitops-agent-dev \(app gitops-agent\) would be removed/);
    expect(dropped.refusal).toMatch(/gitops uninstall --env dev \(with --prune-all/);
    expect(dropped.prune).toEqual([]);
    const gone = planned(revision({ web: web() }), installed);
    expect(gone.refusal).toMatch(/would remove or take over 8 of the agent's own object\(s\)/);
    expect(gone.apply).toEqual([]);
    // Without pruning nothing would be removed: gitops bootstrap applies the agent app without its Deployment while a Secret is missing.
    const { inventory, live } = applied(installed);
    const next = revision({ 'gitops-agent': agentApp().filter((o) => o.kind !== 'Deployment') });
    expect(plan(next, inventory, live, { prune: false, allowEmpty: false, own: ownObjects(next, inventory) }).refusal).toBeUndefined();
  });

  it('may drop one already deleted by hand (it is forgotten), and prune the rest of the environment as usual', () => {
    const { inventory, live } = applied(installed);
    const role = installed.objects.find((d) => d.ref.kind === 'Role')!.ref;
    live.delete(refKey(role));
    const next = revision({ 'gitops-agent': agentApp().filter((o) => o.kind !== 'Role'), web: web().filter((o) => o.kind !== 'ConfigMap') });
    const p = plan(next, inventory, live, { ...options, own: ownObjects(next, inventory) });
    expect(p.refusal).toBeUndefined();
    expect(p.prune.map((s) => s.entry.ref.name)).toEqual(['web']);
    expect(p.skip).toMatchObject([{ ref: role, untrack: true }]);
  });

  it('refuse a revision where another app holds one of them', () => {
    const p = planned(revision({ 'gitops-agent': agentApp().filter((o) => o.kind !== 'ClusterRole'), web: [...web(), meta('ClusterRole')] }), installed);
    expect(p.refusal).toMatch(/web\/_cluster\/3\.yaml.*: ClusterRole typed-gitops-agent-dev is the agent's own \(app gitops-agent\), not app web's/);
  });

  it('apply its cluster RBAC first, its ServiceAccount and Roles after the Namespaces, its Deployment last', () => {
    const first = revision({ web: web(), 'gitops-agent': agentApp() });
    const p = plan(first, { env: 'dev', entries: [] }, new Map(), { ...options, own: ownObjects(first, { env: 'dev', entries: [] }) });
    expect(p.apply.map((s) => `${s.stage} ${s.desired.ref.kind} ${s.desired.ref.name}`)).toEqual([
      `${STAGES.ownClusterRbac} ClusterRole ${NAME}`, `${STAGES.ownClusterRbac} ClusterRoleBinding ${NAME}`,
      `${STAGES.cluster} Namespace gitops-system`, `${STAGES.cluster} Namespace shop`,
      `${STAGES.ownRbac} ServiceAccount ${NAME}`, `${STAGES.ownRbac} Role ${NAME}`, `${STAGES.ownRbac} RoleBinding ${NAME}`,
      `${STAGES.rest} ConfigMap web`, `${STAGES.rest} Service ${NAME}`, `${STAGES.rest} Deployment web`,
      `${STAGES.ownDeployment} Deployment ${NAME}`,
    ]);
  });

  it('take over the agent\'s own Namespace when it has no owner labels, never another environment\'s or another Namespace', () => {
    const first = revision({ web: web(), 'gitops-agent': agentApp() });
    const empty = { env: 'dev', entries: [] };
    const live = (otherEnv: boolean) => new Map(['gitops-system', 'shop'].map((name) => {
      const ref = { group: '', kind: 'Namespace', namespace: '', name };
      return [refKey(ref), { ref, owned: false, ...(otherEnv ? { otherEnv } : {}), skipPrune: false }] as const;
    }));
    const bare = plan(first, empty, live(false), { ...options, own: ownObjects(first, empty) });
    expect(bare.apply.map((s) => s.desired.ref.name)).toContain('gitops-system');
    expect(bare.skip.map((s) => s.ref.name)).toEqual(['shop']); // not the agent's: someone else's namespace stays theirs
    const taken = plan(first, empty, live(true), { ...options, own: ownObjects(first, empty) });
    expect(taken.skip.map((s) => s.ref.name).sort()).toEqual(['gitops-system', 'shop']);
  });

  it('are named as changes only when git changed them, not when drift is put back', () => {
    const next = revision({ 'gitops-agent': agentApp('agent:2'), web: web() });
    const { inventory, live } = applied(installed);
    live.set(refKey(installed.objects.find((d) => d.ref.kind === 'Service')!.ref), { ref: installed.objects.find((d) => d.ref.kind === 'Service')!.ref, owned: true, ownedHash: 'drifted', skipPrune: false });
    const own = ownObjects(next, inventory);
    expect(ownChanges(plan(next, inventory, live, { ...options, own }).apply, own)).toEqual([expect.stringMatching(/Deployment gitops-system\/typed-gitops-agent-dev$/)]);
  });

  it('are deleted by a plan without them (gitops uninstall)', () => {
    const { inventory, live } = applied(installed);
    const empty = desiredSet({ commit: '', env: 'dev', files: new Map() });
    expect(plan(empty, inventory, live, { prune: true, allowEmpty: true }).prune).toHaveLength(11);
  });
});
