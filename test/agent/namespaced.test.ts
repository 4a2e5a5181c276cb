// Namespaced mode against the real API server (RBAC on): an agent whose identity has Roles only lists
// and watches per namespace, follows the namespaces of the desired set and the inventory as they change
// between revisions, and names a missing permission in `kubectl auth can-i` terms with the rule to add.
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatRef } from '../../core/kinds.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { serviceAccountToken } from '../setup/service-accounts.ts';
import { configMap, reconcilerFor, revisionOf, uniqueName } from './harness.ts';
import { BOOKKEEPING_RULES, CONFIGMAP_RULES, grantRole, namespaces, withToken } from './role-only-agent.ts';
import { until } from './watching-agent.ts';

const ns = useTestNamespace({ prefix: 'nsd' });

/** The agent's connection as ServiceAccount `agent` of the test namespace, with a Role there and in each of `teams`. */
async function roleOnlyAgent(teams: string[]) {
  const token = await serviceAccountToken(ns.kubeConfig, ns.name, 'agent');
  const account = { namespace: ns.name, name: 'agent' };
  await grantRole(ns.kubeConfig, ns.name, account, BOOKKEEPING_RULES);
  for (const team of teams) await grantRole(ns.kubeConfig, team, account, CONFIGMAP_RULES);
  return { connection: withToken(ns.connection, token), user: `system:serviceaccount:${ns.name}:agent` };
}

const actions = (result: { changes: readonly { ref: Parameters<typeof formatRef>[0]; action: string }[] }) =>
  result.changes.map((c) => `${formatRef(c.ref)} ${c.action}`).sort();

describe('namespaced mode: an agent with Roles only', () => {
  it('applies, sees drift and prunes in its namespaces, following the inventory into a namespace the revision left', async () => {
    const [a, b] = await namespaces(ns.kubeConfig, 2);
    const { connection } = await roleOnlyAgent([a, b]);
    const env = uniqueName('env');
    const drifted: string[] = [];
    const agent = reconcilerFor(env, ns.name, { connection, watch: true, onDrift: (ref) => drifted.push(formatRef(ref)) });
    onTestFinished(() => agent.stop());

    const first = await agent.reconcile(revisionOf(env, { app: [configMap(a, 'one'), configMap(b, 'two')] }));
    expect(first.errors).toEqual([]);
    expect(actions(first)).toEqual([`ConfigMap ${a}/one created`, `ConfigMap ${b}/two created`].sort());

    // The per-namespace watch sees a deletion made by someone else.
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespacedConfigMap({ name: 'two', namespace: b });
    await until('the deletion to be seen as drift', () => drifted.includes(`ConfigMap ${b}/two`), 10_000);

    // b leaves git: its object (re-created first) is pruned, as the inventory still names b.
    expect(actions(await agent.reconcile(revisionOf(env, { app: [configMap(a, 'one'), configMap(b, 'two')] })))).toContain(`ConfigMap ${b}/two created`);
    const third = await agent.reconcile(revisionOf(env, { app: [configMap(a, 'one')] }));
    expect(third.errors).toEqual([]);
    expect(actions(third)).toEqual([`ConfigMap ${a}/one unchanged`, `ConfigMap ${b}/two pruned`].sort());
    await expect(core.readNamespacedConfigMap({ name: 'two', namespace: b })).rejects.toMatchObject({ code: 404 });
    // Steady state per namespace costs nothing either: the access reviews and lists are not asked again.
    const steady = revisionOf(env, { app: [configMap(a, 'one')] });
    await agent.reconcile(steady);
    const requestsBefore = agent.kube.counts.requests;
    expect(actions(await agent.reconcile(steady))).toEqual([`ConfigMap ${a}/one unchanged`]);
    expect(agent.kube.counts.requests - requestsBefore).toBe(0);
    // And the namespace's watch is gone with it: a namesake created there now is nobody's drift.
    drifted.length = 0;
    await core.createNamespacedConfigMap({ namespace: b, body: { metadata: { name: 'two', labels: { 'typed-gitops.dev/env': env } } } });
    await core.deleteNamespacedConfigMap({ name: 'one', namespace: a });
    await until('the deletion in a to be seen', () => drifted.includes(`ConfigMap ${a}/one`), 10_000);
    expect(drifted).toEqual([`ConfigMap ${a}/one`]);
  });

  it('without list rights in a namespace, fails naming the verb, resource and namespace and the Role rule to add, in the status and the Event', async () => {
    const [a, other] = await namespaces(ns.kubeConfig, 2);
    const { connection, user } = await roleOnlyAgent([a]);
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name, { connection, watch: true });
    onTestFinished(() => agent.stop());

    const result = await agent.reconcile(revisionOf(env, { app: [configMap(a, 'one'), configMap(other, 'elsewhere')] }));
    expect(result.ok).toBe(false);
    const permission = `missing permission: \`kubectl auth can-i list configmaps -n ${other}\` is no; add the rule ` +
      `{apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"]} to a Role in namespace ${other} with a RoleBinding for that user`;
    expect(result.errors).toEqual([`list ConfigMap (v1) in namespace ${other}: configmaps is forbidden: User "${user}" cannot list resource "configmaps" ` +
      `in API group "" in the namespace "${other}"; ${permission}`]);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedConfigMap({ name: 'one', namespace: a })).rejects.toMatchObject({ code: 404 }); // nothing half-applied
    const status = JSON.parse((await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name })).data!['result.json']);
    expect(status.errors).toEqual(result.errors);
    const events = (await core.listNamespacedEvent({ namespace: ns.name })).items.filter((e) => e.involvedObject.name === `typed-gitops-status-${env}`);
    expect(events.map((e) => e.message).join('\n')).toContain(`\`kubectl auth can-i list configmaps -n ${other}\` is no`);
  });

  it('a write it may not make fails that object, naming the verb it lacks', async () => {
    const [a, readOnly] = await namespaces(ns.kubeConfig, 2);
    const { connection, user } = await roleOnlyAgent([a]);
    await grantRole(ns.kubeConfig, readOnly, { namespace: ns.name, name: 'agent' }, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    const env = uniqueName('env');
    const result = await reconcilerFor(env, ns.name, { connection }).reconcile(revisionOf(env, { app: [configMap(a, 'one'), configMap(readOnly, 'refused')] }));
    expect(result.errors).toEqual(['the server rejected 1 object(s) in a dry run; nothing was changed']);
    const refused = result.changes.find((c) => c.ref.name === 'refused');
    expect(refused?.reason).toBe(`${env}/app/${readOnly}/configmap-refused.yaml:1: configmaps "refused" is forbidden: User "${user}" cannot patch resource "configmaps" ` +
      `in API group "" in the namespace "${readOnly}"; missing permission: \`kubectl auth can-i patch configmaps -n ${readOnly}\` is no; ` +
      `add the rule {apiGroups: [""], resources: ["configmaps"], verbs: ["patch"]} to a Role in namespace ${readOnly} with a RoleBinding for that user`);
    // The Event has a short line per failed object: the permission it lacks.
    const events = (await ns.kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns.name })).items.filter((e) => e.involvedObject.name === `typed-gitops-status-${env}`);
    expect(events.map((e) => e.message).join('\n')).toContain(`ConfigMap ${readOnly}/refused: \`kubectl auth can-i patch configmaps -n ${readOnly}\` is no`);
  });
});
