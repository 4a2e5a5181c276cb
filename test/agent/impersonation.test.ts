// Impersonation against the real API server (RBAC on; the admin kubeconfig is system:masters): the
// environment's objects are written as its ServiceAccount, so RBAC refuses what that account may not do,
// while the agent's own bookkeeping stays with the agent; and a kubeconfig's `as*` fields are honoured.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatRef } from '../../core/kinds.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { actingAs, serviceAccountIdentity } from '../../agent/impersonation.ts';
import { loadConnection, type KubeConnection } from '../../agent/kubeconfig.ts';
import type { K8sObject } from '../../agent/types.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { serviceAccountToken } from '../setup/service-accounts.ts';
import { configMap, namespaceObject, reconcilerFor, renderedYaml, revisionOf, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'imp' });
afterAll(() => cleanUp());

/** A namespace `team` whose ServiceAccount `deployer` may manage ConfigMaps there and nothing else, and a namespace it may not touch. */
async function teamWithDeployer(): Promise<{ team: string; other: string; user: string }> {
  const core = ns.kubeConfig.makeApiClient(CoreV1Api);
  const rbac = ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const [team, other] = [uniqueName('team'), uniqueName('other')];
  for (const name of [team, other]) {
    await core.createNamespace({ body: namespaceObject(name) });
    onTestFinished(() => core.deleteNamespace({ name }).then(() => undefined));
  }
  await core.createNamespacedServiceAccount({ namespace: team, body: { metadata: { name: 'deployer' } } });
  await rbac.createNamespacedRole({ namespace: team, body: {
    metadata: { name: 'configmaps' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
  } });
  await rbac.createNamespacedRoleBinding({ namespace: team, body: {
    metadata: { name: 'deployer-configmaps' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
    subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: team }],
  } });
  return { team, other, user: `system:serviceaccount:${team}:deployer` };
}

function clusterAdminFor(name: string): K8sObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
  };
}

/** The admin kubeconfig with `as*` fields added to its user, next to it (its certificate paths may be relative). */
function kubeconfigActingAs(fields: Record<string, unknown>): string {
  const doc = parse(readFileSync(ns.kubeconfigPath, 'utf8')) as { users: { user: Record<string, unknown> }[] };
  for (const u of doc.users) Object.assign(u.user, fields);
  const file = join(dirname(ns.kubeconfigPath), `${uniqueName('kubeconfig-as')}.yaml`);
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  onTestFinished(() => rmSync(file, { force: true }));
  return file;
}

describe('agent.serviceAccount: the environment is applied as its ServiceAccount', () => {
  it('creates what the account may; a revision that also asks for a cluster-admin binding and another namespace is refused whole, naming the permission', async () => {
    const { team, other, user } = await teamWithDeployer();
    const env = uniqueName('env');
    const binding = uniqueName('pwned');
    const rbac = ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    onTestFinished(() => rbac.deleteClusterRoleBinding({ name: binding }).then(() => undefined, () => undefined)); // only if the test failed
    const agent = reconcilerFor(env, ns.name, { serviceAccount: { namespace: team, name: 'deployer' } });

    const first = await agent.reconcile(revisionOf(env, { app: [configMap(team, 'settings', { v: '1' })] }));
    expect(first.errors).toEqual([]);
    expect(first.changes.map((c) => [formatRef(c.ref), c.action])).toEqual([[`ConfigMap ${team}/settings`, 'created']]);

    const hostile = await agent.reconcile(revisionOf(env, { app: [
      configMap(team, 'settings', { v: '2' }), configMap(other, 'elsewhere'), clusterAdminFor(binding),
    ] }));
    expect(hostile.ok).toBe(false);
    expect(hostile.errors).toEqual(['the server rejected 2 object(s) in a dry run; nothing was changed']);
    const reasons = Object.fromEntries(hostile.changes.map((c) => [formatRef(c.ref), `${c.action}: ${c.reason ?? ''}`]));
    // The server's own words, after the file: which account lacks which verb on which resource, and where.
    expect(reasons[`ClusterRoleBinding ${binding}`]).toBe(`failed: ${env}/app/_cluster/clusterrolebinding-${binding}.yaml:1: ` +
      `clusterrolebindings.rbac.authorization.k8s.io "${binding}" is forbidden: User "${user}" cannot patch resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope; ` +
      'missing permission: `kubectl auth can-i patch clusterrolebindings.rbac.authorization.k8s.io` is no; add the rule ' +
      '{apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings"], verbs: ["patch"]} to a ClusterRole with a ClusterRoleBinding for that user');
    expect(reasons[`ConfigMap ${other}/elsewhere`]).toBe(`failed: ${env}/app/${other}/configmap-elsewhere.yaml:1: ` +
      `configmaps "elsewhere" is forbidden: User "${user}" cannot patch resource "configmaps" in API group "" in the namespace "${other}"; ` +
      `missing permission: \`kubectl auth can-i patch configmaps -n ${other}\` is no; add the rule {apiGroups: [""], resources: ["configmaps"], verbs: ["patch"]} ` +
      `to a Role in namespace ${other} with a RoleBinding for that user`);
    // Nothing of the revision landed, not even the object the account may write.
    await expect(rbac.readClusterRoleBinding({ name: binding })).rejects.toMatchObject({ code: 404 });
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedConfigMap({ name: 'elsewhere', namespace: other })).rejects.toMatchObject({ code: 404 });
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: team })).data).toEqual({ v: '1' });

    // The bookkeeping, where the account may write nothing, is the agent's own: the status says what was refused.
    const status = JSON.parse((await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name })).data!['result.json']);
    expect(status).toMatchObject({ ok: false, revision: hostile.revision, errors: hostile.errors });
    const stored = Object.fromEntries((status.changes as { ref: K8sObject['metadata'] & { kind: string }; reason?: string }[]).map((c) => [c.ref.kind, c.reason]));
    expect(stored.ClusterRoleBinding).toBe(hostile.changes.find((c) => c.ref.kind === 'ClusterRoleBinding')?.reason);
    const inventory = await loadInventory(new KubeClient(ns.connection), ns.name, env);
    expect(inventory.entries.map((e) => formatRef(e.ref))).toEqual([`ConfigMap ${team}/settings`]);
  });

  it('prunes as the account too: an object it may not delete stays, and the status says why', async () => {
    const { team, other, user } = await teamWithDeployer();
    const env = uniqueName('env');
    // Applied first by the agent's own identity (no serviceAccount), then the environment is handed to the account.
    await reconcilerFor(env, ns.name).reconcile(revisionOf(env, { app: [configMap(team, 'kept'), configMap(other, 'old')] }));
    const agent = reconcilerFor(env, ns.name, { serviceAccount: { namespace: team, name: 'deployer' } });
    const result = await agent.reconcile(revisionOf(env, { app: [configMap(team, 'kept')] }));
    const pruned = result.changes.find((c) => c.ref.name === 'old');
    expect(pruned).toMatchObject({ action: 'failed' });
    expect(pruned?.reason).toMatch(new RegExp(`User "${user}" cannot delete resource "configmaps" in API group "" in the namespace "${other}"`));
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'old', namespace: other })).metadata?.name).toBe('old');
  });
});

/** An agent identity that is no admin: a ServiceAccount of the agent's namespace that may read, keep its books there and impersonate `deployer`. */
async function leastAgent(team: string): Promise<KubeConnection> {
  const token = await serviceAccountToken(ns.kubeConfig, ns.name, 'agent');
  const rbac = ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const subjects = [{ kind: 'ServiceAccount', name: 'agent', namespace: ns.name }];
  const reads = `${ns.name}-agent-reads`;
  await rbac.createClusterRole({ body: { metadata: { name: reads }, rules: [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] },
  ] } });
  onTestFinished(() => rbac.deleteClusterRole({ name: reads }).then(() => undefined));
  await rbac.createClusterRoleBinding({ body: { metadata: { name: reads }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: reads }, subjects } });
  onTestFinished(() => rbac.deleteClusterRoleBinding({ name: reads }).then(() => undefined));
  const grant = async (namespace: string, rules: V1PolicyRule[]) => {
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'agent' }, rules } });
    await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'agent' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent' }, subjects } });
  };
  await grant(ns.name, [{ apiGroups: [''], resources: ['configmaps', 'events'], verbs: ['get', 'list', 'create', 'patch'] }]);
  await grant(team, [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'], resourceNames: ['deployer'] }]);
  const { cert: _cert, key: _key, ...tls } = ns.connection.tls; // the token alone says who the agent is
  return { ...ns.connection, tls, authenticate: async (request) => { request.headers.Authorization = `Bearer ${token}`; } };
}

describe('an agent with the least rights', () => {
  it('needs only impersonate on the account to write as it; the account gets exactly its own groups', async () => {
    const { team, user } = await teamWithDeployer();
    const connection = await leastAgent(team);
    const asDeployer = new KubeClient(actingAs(connection, serviceAccountIdentity(team, 'deployer')));
    const review = await asDeployer.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
    expect((review.status as { userInfo: object }).userInfo).toMatchObject({
      username: user, groups: ['system:serviceaccounts', `system:serviceaccounts:${team}`, 'system:authenticated'],
    });

    const env = uniqueName('env');
    const result = await reconcilerFor(env, ns.name, { connection, serviceAccount: { namespace: team, name: 'deployer' } })
      .reconcile(revisionOf(env, { app: [configMap(team, 'settings')] }));
    expect(result.errors).toEqual([]);
    expect(result.changes.map((c) => [formatRef(c.ref), c.action])).toEqual([[`ConfigMap ${team}/settings`, 'created']]);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(JSON.parse(status.data!['result.json'])).toMatchObject({ ok: true, revision: result.revision });
    expect((await core.listNamespacedEvent({ namespace: ns.name })).items.map((e) => e.reason)).toContain('ReconcileSucceeded');
    // The agent itself may not write there: the ConfigMap came through the account.
    await expect(new KubeClient(connection).apply(configMap(team, 'direct'))).rejects.toThrow(
      `User "system:serviceaccount:${ns.name}:agent" cannot patch resource "configmaps" in API group "" in the namespace "${team}"`);
  });
});

describe('gitops agent --service-account', () => {
  // Run from a folder without gitops.config.ts: the test environment is not in the repo's config.
  const gitops = (...args: string[]) => promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: tempDir('agent-cwd-') });

  it('applies the rendered branch as the account: the cluster-admin binding it asks for is refused and the run fails', async () => {
    const { team } = await teamWithDeployer();
    const env = uniqueName('env');
    const binding = uniqueName('pwned');
    const remote = renderedRemote();
    remote.commit({
      [`${env}/app/${team}/configmap-settings.yaml`]: renderedYaml(env, 'app', configMap(team, 'settings')),
      [`${env}/app/_cluster/clusterrolebinding-${binding}.yaml`]: renderedYaml(env, 'app', clusterAdminFor(binding)),
    });
    const args = ['agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once', '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--env', env];
    // The bounds let the binding through (by default they refuse it), so RBAC is what stops it here.
    await expect(gitops(...args, '--service-account', `${team}/deployer`, '--allow-cluster-kinds', 'Namespace,rbac.authorization.k8s.io/ClusterRoleBinding')).rejects.toMatchObject({ code: 1 });
    const { stdout } = await gitops('status', '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--env', env).catch((e: { stdout: string }) => e);
    expect(stdout).toContain(`User "system:serviceaccount:${team}:deployer" cannot patch resource "clusterrolebindings"`);
    await expect(ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api).readClusterRoleBinding({ name: binding })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses a value that is not a ServiceAccount before touching the cluster, naming the flag', async () => {
    const args = ['agent', '--repo', tempDir(), '--once', '--kubeconfig', '/nonexistent/kubeconfig', '--namespace', ns.name, '--env', uniqueName('env')];
    const failed = await gitops(...args, '--service-account', 'team/deployer/extra').catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('--service-account: "team/deployer/extra" is not a ServiceAccount');
  });
});

describe("a kubeconfig's as, as-groups, as-uid and as-user-extra", () => {
  it('are sent as Kubernetes reads them: the server sees the same user as kubectl does with the same file', async () => {
    const file = kubeconfigActingAs({
      as: 'jane@example.com', 'as-groups': ['developers', 'on-call'], 'as-uid': 'uid-1234',
      'as-user-extra': { 'example.com/scopes': ['read', 'write'], reason: ['review 42'] },
    });
    const kube = new KubeClient(loadConnection(file));
    const review = await kube.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
    const userInfo = (review.status as { userInfo: Record<string, unknown> }).userInfo;
    expect(userInfo).toEqual({
      username: 'jane@example.com', uid: 'uid-1234', groups: ['developers', 'on-call', 'system:authenticated'],
      extra: { 'example.com/scopes': ['read', 'write'], reason: ['review 42'] },
    });
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', file, 'auth', 'whoami', '-o', 'json']);
    expect(userInfo).toEqual(JSON.parse(stdout).status.userInfo);
  });

  it('as: a ServiceAccount makes the admin certificate act as that account: what it may not do is refused with 403', async () => {
    const { team, other, user } = await teamWithDeployer();
    const kube = new KubeClient(loadConnection(kubeconfigActingAs({ as: user, 'as-groups': ['system:serviceaccounts', `system:serviceaccounts:${team}`] })));
    await kube.apply(configMap(team, 'allowed'));
    await expect(kube.apply(configMap(other, 'refused'))).rejects.toThrow(
      `configmaps "refused" is forbidden: User "${user}" cannot patch resource "configmaps" in API group "" in the namespace "${other}"`);
    await expect(kube.apply(clusterAdminFor(uniqueName('pwned')))).rejects.toThrow(/is forbidden: User .* cannot patch resource "clusterrolebindings"/);
  });
});
