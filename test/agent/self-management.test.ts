// The agent managing itself, against the real API server: it never prunes or drops its own objects (the app
// of its GitOpsAgent), refuses another app claiming one, applies its own RBAC before what needs it, and with
// --service-account writes its own objects with its own identity only for a commit the platform approved;
// `gitops uninstall` still deletes them on purpose.
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, type V1PolicyRule } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { formatRef } from '../../core/kinds.ts';
import { uninstall } from '../../install/uninstall.ts';
import type { K8sObject } from '../../agent/types.ts';
import { KubeClient } from '../../agent/kube.ts';
import { platformApprover } from '../../agent/platform-approval.ts';
import { readStatus } from '../../agent/status-command.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { removeKeys, signCommitsIn, sshKey, type TestKey } from '../helpers/keys.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { serviceAccountToken } from '../setup/service-accounts.ts';
import { configMap, deployment, reconcilerFor, renderedYaml, revisionOf, uniqueName } from './harness.ts';
import { BOOKKEEPING_RULES, grantRole, namespaces, withToken } from './role-only-agent.ts';

const ns = useTestNamespace({ prefix: 'self' });
afterAll(() => { cleanUp(); removeKeys(); });
const RBAC = 'rbac.authorization.k8s.io';

/** The agent app of `env` as GitOpsAgent renders it, in the test namespace, with its Role in `team` granting `rules`. */
function agentApp(env: string, team: string, rules: V1PolicyRule[], image = 'registry.local/agent:1'): K8sObject[] {
  const name = `typed-gitops-agent-${env}`;
  const labels = { 'app.kubernetes.io/name': 'gitops-agent', 'app.kubernetes.io/component': env };
  const agent = deployment(ns.name, name, image);
  const subjects = [{ kind: 'ServiceAccount', name, namespace: ns.name }];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns.name, labels } },
    { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name, namespace: team, labels }, rules },
    { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name, namespace: team, labels }, roleRef: { apiGroup: RBAC, kind: 'Role', name }, subjects },
    { ...agent, metadata: { ...agent.metadata, labels } },
  ];
}
const CONFIGMAPS: V1PolicyRule[] = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] }];

describe('the agent never removes itself', () => {
  it('refuses a revision dropping one of its objects or handing one to another app, prunes nothing then; uninstall deletes them', async () => {
    const [team] = await namespaces(ns.kubeConfig, 1);
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    const own = agentApp(env, team, CONFIGMAPS);
    const first = await agent.reconcile(revisionOf(env, { 'gitops-agent': own, web: [configMap(team, 'web')] }));
    expect(first.errors).toEqual([]);

    const dropped = await agent.reconcile(revisionOf(env, { 'gitops-agent': own.filter((o) => o.kind !== 'Role') }));
    expect(dropped.ok).toBe(false);
    expect(dropped.errors).toEqual([expect.stringContaining(`Role ${team}/typed-gitops-agent-${env} (app gitops-agent) would be removed`)]);
    expect(dropped.errors[0]).toContain(`To remove the agent, run gitops uninstall --env ${env} (with --prune-all it also deletes what it applied)`);
    expect(dropped.changes).toEqual([]);
    const rbac = ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await rbac.readNamespacedRole({ namespace: team, name: `typed-gitops-agent-${env}` })).metadata?.name).toBeDefined();
    expect((await core.readNamespacedConfigMap({ namespace: team, name: 'web' })).metadata?.name).toBe('web'); // nothing pruned

    const gone = await agent.reconcile(revisionOf(env, { web: [configMap(team, 'web')] }));
    expect(gone.errors).toEqual([expect.stringContaining(`would remove or take over 4 of the agent's own object(s)`)]);
    const claimed = await agent.reconcile(revisionOf(env, { 'gitops-agent': own.filter((o) => o.kind !== 'ServiceAccount'), web: [configMap(team, 'web'), own[0]] }));
    expect(claimed.errors).toEqual([expect.stringContaining(`ServiceAccount ${ns.name}/typed-gitops-agent-${env} is the agent's own (app gitops-agent), not app web's`)]);
    expect((await core.readNamespacedServiceAccount({ namespace: ns.name, name: `typed-gitops-agent-${env}` })).metadata?.labels?.['typed-gitops.dev/app']).toBe('gitops-agent');

    // gitops uninstall goes through the same planner and prune, on purpose: the agent's objects go, the app's stay.
    const lines: string[] = [];
    await uninstall({ env, namespace: ns.name, kubeconfig: ns.kubeconfigPath, pruneAll: false, timeoutMs: 30_000, print: (l) => lines.push(l) });
    await expect(rbac.readNamespacedRole({ namespace: team, name: `typed-gitops-agent-${env}` })).rejects.toMatchObject({ code: 404 });
    await expect(ns.kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: ns.name, name: `typed-gitops-agent-${env}` })).rejects.toMatchObject({ code: 404 });
    expect((await core.readNamespacedConfigMap({ namespace: team, name: 'web' })).metadata?.name).toBe('web');
  });
});

describe('the agent applies its own RBAC first', () => {
  it('a revision granting the agent a right it lacks and using it applies at once', async () => {
    const [team] = await namespaces(ns.kubeConfig, 1);
    const env = uniqueName('env');
    const account = { namespace: ns.name, name: `typed-gitops-agent-${env}` };
    const token = await serviceAccountToken(ns.kubeConfig, ns.name, account.name);
    // Installed by the bootstrap: it may read ConfigMaps in team and manage its own Role there, not yet write ConfigMaps.
    await grantRole(ns.kubeConfig, ns.name, account, [...BOOKKEEPING_RULES, { apiGroups: ['', 'apps'], resources: ['serviceaccounts', 'deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch'] }]);
    await grantRole(ns.kubeConfig, team, account, [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [RBAC], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'escalate', 'bind'] },
    ]);
    const agent = reconcilerFor(env, ns.name, { connection: withToken(ns.connection, token) });
    const result = await agent.reconcile(revisionOf(env, { 'gitops-agent': agentApp(env, team, CONFIGMAPS), web: [configMap(team, 'web')] }));
    expect(result.errors).toEqual([]);
    // In apply order: its Role and binding, then what they allow, its own Deployment last.
    expect(result.changes.filter((c) => c.action !== 'skipped').map((c) => `${formatRef(c.ref)} ${c.action}`)).toEqual([
      `Role ${team}/${account.name} created`, `RoleBinding ${team}/${account.name} created`, `ConfigMap ${team}/web created`, `Deployment ${ns.name}/${account.name} created`,
    ]);
  });
});

describe('with --service-account, the agent\'s own objects are the platform\'s', () => {
  it('writes them with its own identity only for a commit the platform approved; a team\'s change to them is refused, naming them', async () => {
    const [team] = await namespaces(ns.kubeConfig, 1);
    const env = uniqueName('env');
    // The environment's account may write ConfigMaps in team, and nothing else.
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: team, body: { metadata: { name: 'deployer' } } });
    await grantRole(ns.kubeConfig, team, { namespace: team, name: 'deployer' }, CONFIGMAPS);
    const own = agentApp(env, team, CONFIGMAPS);
    // gitops bootstrap installs the agent with the admin's rights.
    expect((await reconcilerFor(env, ns.name, { prune: false }).reconcile(revisionOf(env, { 'gitops-agent': own }))).errors).toEqual([]);

    // The platform's keys, in a Secret of the agent's namespace; the team signs with a key of its own.
    const platform = sshKey('platform@example.com'), teamKey = sshKey('team@example.com');
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'platform-keys' }, stringData: { allowed_signers: platform.allowed } } });
    const remote = renderedRemote();
    const work = join(remote.baseDir, 'work');
    const approver = await platformApprover(work, { namespace: ns.name, name: 'platform-keys', kube: new KubeClient(ns.connection) });
    onTestFinished(() => approver.close());
    const signedBy = (key: TestKey, apps: Record<string, K8sObject[]>) => {
      signCommitsIn(work, key);
      return revisionOf(env, apps, remote.commit({ [`${uniqueName('f')}.txt`]: 'x' }));
    };
    const agent = reconcilerFor(env, ns.name, { serviceAccount: { namespace: team, name: 'deployer' }, platformApproval: (commit) => approver.approve(commit) });
    const teamPush = await agent.reconcile(signedBy(teamKey, { 'gitops-agent': own, web: [configMap(team, 'web')] }));
    expect(teamPush.errors).toEqual([]); // the agent's app unchanged: the team's objects go through as the account

    const upgrade = { 'gitops-agent': agentApp(env, team, CONFIGMAPS, 'registry.local/agent:2'), web: [configMap(team, 'web')] };
    const refused = await agent.reconcile(signedBy(teamKey, upgrade));
    expect(refused.errors).toEqual([expect.stringContaining(`is not signed by a platform key of Secret ${ns.name}/platform-keys (--platform-keys-secret): it is signed by key SHA256:`)]);
    expect(refused.errors[0]).toContain(`so the revision is refused and nothing was changed:\n  - ${env}/gitops-agent/${ns.name}/deployment-typed-gitops-agent-${env}.yaml:1: Deployment ${ns.name}/typed-gitops-agent-${env}`);
    const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    const image = async () => (await apps.readNamespacedDeployment({ namespace: ns.name, name: `typed-gitops-agent-${env}` })).spec?.template.spec?.containers[0]?.image;
    expect(await image()).toBe('registry.local/agent:1');

    // Signed by the platform: the agent writes its own Deployment itself (the deployer may not patch Deployments).
    const applied = await agent.reconcile(signedBy(platform, upgrade));
    expect(applied.errors).toEqual([]);
    expect(await image()).toBe('registry.local/agent:2');

    // A hand edit of it (a container, as client-side kubectl apply adds it) is taken back with the next
    // change by the agent itself: the deployer may not even read Deployments.
    const name = `typed-gitops-agent-${env}`;
    await promisify(execFile)('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, 'patch', 'deployment', name, '--type', 'strategic',
      '--field-manager', 'kubectl-client-side-apply', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'registry.local/hand:1' }] } } } })]);
    const healed = await agent.reconcile(signedBy(platform, { ...upgrade, 'gitops-agent': agentApp(env, team, CONFIGMAPS, 'registry.local/agent:3') }));
    expect(healed.errors).toEqual([]);
    expect((await apps.readNamespacedDeployment({ namespace: ns.name, name })).spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app']);
  });
});

describe('gitops agent --platform-keys-secret', () => {
  it('reserves the platform\'s keys Secret: a revision holding it is refused whole, naming it', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'platform-keys', namespace: ns.name }, stringData: { allowed_signers: 'team@example.com ssh-ed25519 AAAA' } };
    remote.commit({ [`${env}/app/${ns.name}/secret-platform-keys.yaml`]: renderedYaml(env, 'app', secret) });
    const run = promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once',
      '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--env', env, '--service-account', 'deployer', '--platform-keys-secret', 'platform-keys'], { cwd: tempDir('agent-cwd-') });
    await expect(run).rejects.toMatchObject({ code: 1 });
    const status = await readStatus(ns.connection, ns.name, env);
    expect(status.errors.join('\n')).toContain(`Secret ${ns.name}/platform-keys is the platform's keys Secret (--platform-keys-secret) [reserved]`);
    await expect(ns.kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns.name, name: 'platform-keys' })).rejects.toMatchObject({ code: 404 });
  });
});
