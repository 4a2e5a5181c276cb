// The agent as it runs in a pod, without a kubeconfig: the `gitops agent` process with exactly the
// in-cluster files and variables (a folder standing for /var/run/secrets/kubernetes.io/serviceaccount,
// named by GITOPS_SERVICE_ACCOUNT_DIR; KUBERNETES_SERVICE_HOST/PORT), a token from a TokenRequest for a
// ServiceAccount made here, and Roles only. kwok runs no containers, so this is how "in the cluster" is tested.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KubeClient, refusalOf } from '../../agent/kube.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, renderedYaml, service, uniqueName } from './harness.ts';
import { BOOKKEEPING_RULES, grantRole, namespaces, requestToken, withToken } from './role-only-agent.ts';
import { until } from './watching-agent.ts';

const ns = useTestNamespace({ prefix: 'incl' });
const children: ChildProcess[] = [];
afterEach(() => { for (const child of children.splice(0)) child.kill('SIGKILL'); });
afterAll(() => cleanUp());

const TEAM_RULES = [{ apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }];

/** ServiceAccount `gitops-agent` in the test namespace with Roles there and in `team`, and its mounted folder. */
async function podServiceAccount(team: string): Promise<{ dir: string; account: { namespace: string; name: string } }> {
  const account = { namespace: ns.name, name: 'gitops-agent' };
  await ns.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: account.name } } });
  await grantRole(ns.kubeConfig, ns.name, account, BOOKKEEPING_RULES);
  await grantRole(ns.kubeConfig, team, account, TEAM_RULES);
  const dir = tempDir('serviceaccount-');
  writeFileSync(join(dir, 'token'), await requestToken(ns.kubeConfig, account));
  writeFileSync(join(dir, 'ca.crt'), ns.connection.tls.ca!);
  writeFileSync(join(dir, 'namespace'), ns.name);
  return { dir, account };
}

/** `gitops agent` with the pod's environment only: no kubeconfig, no --namespace, a home of its own. */
function podAgent(serviceAccountDir: string, remote: string, env: string): { output: () => string } {
  const { hostname, port } = new URL(ns.connection.server);
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'agent', '--repo', remote, '--env', env,
    '--interval', '1s', '--health-timeout', '0s', '--listen', '127.0.0.1:0', '--cache-dir', tempDir()], {
    cwd: tempDir('agent-cwd-'),
    env: { PATH: process.env.PATH, HOME: tempDir('home-'), KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port, GITOPS_SERVICE_ACCOUNT_DIR: serviceAccountDir },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { output: () => output };
}

/** The status the agent recorded in its namespace (the namespace file's), or undefined before the first. */
async function recorded(env: string): Promise<{ ok: boolean; revision?: string; errors: string[] } | undefined> {
  const map = await ns.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name }).catch(() => undefined);
  return map?.data && JSON.parse(map.data['result.json']!);
}

const rendered = (env: string, objects: ReturnType<typeof configMap>[]) =>
  Object.fromEntries(objects.map((o) => [`${env}/app/${o.metadata.namespace}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, renderedYaml(env, 'app', o)]));

describe('in-cluster configuration', () => {
  it('reconciles with the pod service account and Roles only; an object outside its rights fails naming the permission', async () => {
    const [team, other] = await namespaces(ns.kubeConfig, 2);
    const { dir } = await podServiceAccount(team);
    const env = uniqueName('env');
    const remote = renderedRemote();
    const first = remote.commit(rendered(env, [configMap(ns.name, 'settings'), configMap(team, 'app-config'), service(team, 'web')]));
    const agent = podAgent(dir, remote.path, env);
    await until('the first revision to be applied', async () => (await recorded(env))?.revision === first, 30_000).catch((e) => { throw new Error(`${e}\n${agent.output()}`); });
    expect(await recorded(env)).toMatchObject({ ok: true, errors: [] });
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedService({ name: 'web', namespace: team })).metadata?.labels?.['typed-gitops.dev/env']).toBe(env);
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: ns.name })).data).toEqual({ key: 'value' });

    const second = remote.commit(rendered(env, [configMap(other, 'elsewhere')]));
    await until('the second revision to be tried', async () => (await recorded(env))?.revision === second, 20_000);
    const status = (await recorded(env))!;
    expect(status.ok).toBe(false);
    expect(status.errors.join('\n')).toContain(`User "system:serviceaccount:${ns.name}:gitops-agent" cannot list resource "configmaps" in API group "" in the namespace "${other}"; ` +
      `missing permission: \`kubectl auth can-i list configmaps -n ${other}\` is no; add the rule {apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"]} to a Role in namespace ${other}`);
    expect((await core.readNamespacedConfigMap({ name: 'app-config', namespace: team })).metadata?.name).toBe('app-config'); // the cluster stays as last applied
  });

  it('keeps working when the projected token is replaced and the old one revoked', async () => {
    const [team] = await namespaces(ns.kubeConfig, 1);
    const { dir, account } = await podServiceAccount(team);
    const env = uniqueName('env');
    const remote = renderedRemote();
    const first = remote.commit(rendered(env, [configMap(team, 'one')]));
    const agent = podAgent(dir, remote.path, env);
    await until('the first revision to be applied', async () => (await recorded(env))?.revision === first, 30_000).catch((e) => { throw new Error(`${e}\n${agent.output()}`); });

    // Revoke the token: a ServiceAccount made again has a new uid, which the old token does not name
    // (the API server trusts a token it checked for 10 s more: wait until it refuses it).
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.deleteNamespacedServiceAccount({ ...account });
    await core.createNamespacedServiceAccount({ namespace: account.namespace, body: { metadata: { name: account.name } } });
    const old = new KubeClient(withToken(ns.connection, readFileSync(join(dir, 'token'), 'utf8')));
    await until('the old token to be refused', () => old.read('v1', 'ConfigMap', team, 'one').then(() => false, (e: unknown) => refusalOf(e)?.status === 401), 20_000);
    writeFileSync(join(dir, 'token.new'), await requestToken(ns.kubeConfig, account));
    renameSync(join(dir, 'token.new'), join(dir, 'token')); // as the kubelet swaps the projected file

    const second = remote.commit(rendered(env, [configMap(team, 'one'), configMap(team, 'two')]));
    await until('the revision after the rotation to be applied', async () => {
      const status = await recorded(env);
      return status?.revision === second && status.ok;
    }, 20_000).catch((e) => { throw new Error(`${e}\n${agent.output().slice(-3000)}`); });
    expect((await core.readNamespacedConfigMap({ name: 'two', namespace: team })).metadata?.name).toBe('two');
  });
});
