// `gitops bootstrap` and `gitops uninstall` against a real control plane, with the example project: the
// agent app is applied as the agent applies it, the settings ConfigMap made, a missing Secret named with
// its kubectl line, the Deployment waited for; a second run changes nothing; the agent then run as its pod
// would (its Deployment's arguments, its ServiceAccount's token) owns those objects; uninstall removes it.
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type BootstrapOutcome } from '../../install/bootstrap.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { readStatus } from '../../agent/status-command.ts';
import { uninstall } from '../../install/uninstall.ts';
import { compile } from '../../compiler/compile.ts';
import { cleanUp, renderedRemote, tempDir, type RenderedRemote } from '../agent-source/fixtures.ts';
import { kubectlWith } from '../helpers/example-agent.ts';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';
import { rekeyExampleSecrets } from '../sops/example-keys.ts';

const run = promisify(execFile);
const NS = 'gitops-system';
const AGENT = 'typed-gitops-agent-dev';
const REPO = 'https://git.example.com/shop.git';

describe('gitops bootstrap and uninstall', () => {
  const cluster = useFreshControlPlane();
  const kubectl = kubectlWith(() => cluster().kubeconfigPath);
  let project: TestProject;
  let remote: RenderedRemote;
  let ageIdentity: string;
  const lines: string[] = [];
  const install = () => bootstrap({ root: project.root, env: 'dev', repo: REPO, kubeconfig: cluster().kubeconfigPath, timeoutMs: 60_000, print: (l) => lines.push(l) });
  const gitops = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: tempDir('bootstrap-cwd-') });
  const exists = async (...args: string[]) => (await kubectl('get', ...args, '--ignore-not-found', '-o', 'name')).trim() !== '';

  beforeAll(async () => {
    project = makeProject({}, { copyExample: true });
    ageIdentity = (await rekeyExampleSecrets(project)).dev!;
    // Today's agent lists across namespaces (readScope 'cluster').
    project.write('apps/gitops-agent.ts', project.read('apps/gitops-agent.ts').replace('environment: env.name,', "environment: env.name, readScope: 'cluster',"));
    const outcome = await compile({ root: project.root, envs: ['dev'], typecheck: false, write: false });
    remote = renderedRemote();
    remote.commit(Object.fromEntries(outcome.tree!.files));
  });
  afterAll(() => { project?.cleanup(); cleanUp(); });

  it('names each missing Secret with its kubectl line, exits non-zero and applies nothing that needs it', async () => {
    const failed = await gitops('bootstrap', '--env', 'dev', '--repo', REPO, '--kubeconfig', cluster().kubeconfigPath, '--root', project.root).then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(`created Namespace ${NS}\ncreated ConfigMap ${NS}/agent-settings`);
    expect(failed?.stderr).toContain('kubectl create secret generic git-credentials -n gitops-system --from-file=url=/dev/stdin   (then type https://<user>:<token>@git.example.com/shop.git, Enter, Ctrl-D)');
    expect(failed?.stderr).toContain('kubectl create secret generic gitops-webhook -n gitops-system --from-file=secret=/dev/stdin');
    expect(await exists('deployment', AGENT, '-n', NS)).toBe(false);
    expect(await exists('serviceaccount', AGENT, '-n', NS)).toBe(true);
    expect(await exists('clusterrole', AGENT)).toBe(true);
    expect(JSON.parse(await kubectl('get', 'configmap', 'agent-settings', '-n', NS, '-o', 'jsonpath={.data}'))).toEqual({
      namespaces: 'shop,data,ops,gitops-system', clusterKinds: 'Namespace,rbac.authorization.k8s.io/ClusterRole,rbac.authorization.k8s.io/ClusterRoleBinding', deniedKinds: '',
    });
  });

  it('applies the agent app with the agent\'s field manager and inventory, and waits until it is available', async () => {
    // As bootstrap says to: each value typed on standard input, ending with Enter.
    // (Through a shell's pipe: Node gives a child a socket, which /dev/stdin cannot open.)
    const fromStdin = (name: string, key: string, value: string) => execFileSync('sh', ['-c', 'echo "$1" | kubectl --kubeconfig "$2" create secret generic "$3" -n "$4" --from-file="$5"=/dev/stdin',
      'sh', value, cluster().kubeconfigPath, name, NS, key]);
    fromStdin('git-credentials', 'url', remote.path);
    fromStdin('gitops-webhook', 'secret', 's3cret-for-the-test');
    const ageKeyFile = join(tempDir('bootstrap-age-'), 'age.agekey');
    writeFileSync(ageKeyFile, `${ageIdentity}\n`);
    await kubectl('create', 'secret', 'generic', 'age-key', '-n', NS, `--from-file=${ageKeyFile}`);
    lines.length = 0;
    const outcome = await install();
    expect(outcome.changes.map((c) => `${c.action} ${c.ref.kind}`)).toContain('created Deployment');
    // The test's agent follows a local remote: bootstrap says so, as it would for a Secret with another URL.
    expect(lines).toContain(`warning: Secret ${NS}/git-credentials points the agent at ${remote.path}, not at --repo ${REPO}`);
    expect(lines).toContainEqual('the agent is available: Deployment typed-gitops-agent-dev: 1 of 1 replica available');
    expect(lines).toContainEqual('  gitops status --env dev        what the agent last applied, once it has reconciled the rendered branch');
    expect(await kubectl('get', 'deployment', AGENT, '-n', NS, '-o', 'jsonpath={.status.availableReplicas}')).toBe('1');
    const managers = JSON.parse(await kubectl('get', 'deployment', AGENT, '-n', NS, '-o', 'jsonpath={.metadata.managedFields}')) as { manager: string; operation: string }[];
    expect(managers.filter((m) => m.operation === 'Apply').map((m) => m.manager)).toEqual(['typed-gitops']);
    const inventory = await loadInventory(new KubeClient(cluster().connection), NS, 'dev');
    expect(inventory.entries.map((e) => `${e.app} ${e.ref.kind} ${e.ref.name}`)).toContain(`gitops-agent Deployment ${AGENT}`);
    // The agent's Roles need the Namespaces the namespaces app renders: applied too, as that app's.
    expect(new Set(inventory.entries.map((e) => e.app))).toEqual(new Set(['gitops-agent', 'namespaces']));
    expect(inventory.entries.filter((e) => e.app === 'namespaces').map((e) => e.ref.name).sort()).toEqual(['data', 'ops', 'shop']);
  });

  it('changes nothing on a second run and says so, beside a running agent', async () => {
    // Nothing at all is written: not the agent's objects, its inventory, settings, status nor Lease.
    const rv = 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}';
    const versions = async () => [
      await kubectl('get', 'deployment,serviceaccount,service,role,rolebinding,configmap,lease', '-n', NS, '-o', rv),
      await kubectl('get', 'clusterrole,clusterrolebinding,namespace', '-l', 'app.kubernetes.io/managed-by=typed-gitops', '-o', rv),
    ].join('\n');
    // A running agent holds the Lease: a run with nothing to do needs it not.
    const hold = (holder: string, renewTime: string) => kubectl('patch', 'lease', 'typed-gitops-dev', '-n', NS, '--type=merge', '-p', JSON.stringify({ spec: { holderIdentity: holder, leaseDurationSeconds: 3600, renewTime } }));
    await hold('the-running-agent', new Date().toISOString().replace('Z', '000Z'));
    const before = await versions();
    lines.length = 0;
    const outcome: BootstrapOutcome = await install();
    expect(outcome.changes).toEqual([]);
    expect(outcome.settings).toBe('unchanged');
    expect(lines).toContain('nothing to change: all 17 objects are as rendered');
    expect(lines).toContain('the agent of dev was already installed; nothing changed');
    expect(await versions()).toBe(before);

    // With something to apply it needs the Lease: it waits, then says how to stop the agent, having written nothing.
    const agentApp = project.read('apps/gitops-agent.ts');
    project.write('apps/gitops-agent.ts', agentApp.replace("readScope: 'cluster',", "readScope: 'cluster', image: 'ghcr.io/typed-gitops/agent:0.2.0',"));
    const held = await install().then(() => undefined, (e: Error & { subject: { hint?: string } }) => e).finally(() => project.write('apps/gitops-agent.ts', agentApp));
    expect(held?.message).toMatch(/another agent \(the-running-agent\) holds the Lease typed-gitops-dev in gitops-system/);
    expect(held?.subject.hint).toBe(`The running agent holds it while bootstrap has something to apply: kubectl -n ${NS} scale deployment ${AGENT} --replicas 0, then run gitops bootstrap again (it applies the Deployment as rendered, replicas included).`);
    expect(await versions()).toBe(before);
    await hold('the-running-agent', '2000-01-01T00:00:00.000000Z'); // long expired: the next test's agent takes it
  });

  it('is owned by the agent afterwards: run as its pod would, it prunes none of it and meets no conflict', async () => {
    await runAgentAsItsPod();
    const status = await readStatus(cluster().connection, NS, 'dev');
    expect(status.errors).toEqual([]);
    // The status lists what changed and counts the unchanged: none of what bootstrap applied changed.
    const bootstrapped = new Set(['data', 'ops', 'shop', NS, AGENT]);
    expect(status.changes.filter((c) => bootstrapped.has(c.ref.name))).toEqual([]);
    expect(status.counts?.unchanged).toBeGreaterThanOrEqual(16);
    expect(status.changes.filter((c) => ['pruned', 'failed', 'skipped'].includes(c.action))).toEqual([]);
    expect(await exists('cronjob', 'nightly-sales', '-n', 'ops')).toBe(true);
  });

  it('uninstall removes the agent and its state, and leaves what it applied', async () => {
    const out = (await gitops('uninstall', '--env', 'dev', '--kubeconfig', cluster().kubeconfigPath, '--root', project.root)).stdout.split('\n');
    expect(out.slice(0, 2)).toEqual(['stopping the agent:', `  deleted Deployment ${NS}/${AGENT}`]);
    expect(out).toContain(`  kept Namespace ${NS}: it holds Secrets age-key, git-credentials, gitops-webhook; kubectl delete namespace ${NS} deletes it with them`);
    expect(out).toContain(`deleted the inventory, status and Lease of dev and the settings ConfigMap ${NS}/agent-settings`);
    expect(out).toContainEqual(expect.stringMatching(/^left the 1\d object\(s\) it applied; gitops uninstall --env dev --prune-all would have deleted them$/));
    for (const kind of ['deployment', 'serviceaccount', 'service', 'role', 'rolebinding']) expect(await exists(kind, AGENT, '-n', NS)).toBe(false);
    expect(await exists('clusterrole', AGENT)).toBe(false);
    for (const name of ['typed-gitops-inventory-dev', 'typed-gitops-status-dev', 'agent-settings']) expect(await exists('configmap', name, '-n', NS)).toBe(false);
    expect(await exists('lease', 'typed-gitops-dev', '-n', NS)).toBe(false);
    expect(await exists('cronjob', 'nightly-sales', '-n', 'ops')).toBe(true);
    expect(await exists('deployment', 'storefront', '-n', 'shop')).toBe(true);
  });

  it('uninstall --prune-all also deletes what the agent applied, but not an object without its owner labels', async () => {
    await install();
    await runAgentAsItsPod();
    await kubectl('label', 'namespace', 'ops', 'typed-gitops.dev/env-', 'typed-gitops.dev/app-');
    await kubectl('create', 'configmap', 'hand-made', '-n', 'ops', '--from-literal=a=b');
    lines.length = 0;
    const outcome = await uninstall({ env: 'dev', namespace: NS, kubeconfig: cluster().kubeconfigPath, pruneAll: true, timeoutMs: 60_000, print: (l) => lines.push(l) });
    const deleted = outcome.changes.filter((c) => c.action === 'pruned').map((c) => `${c.ref.kind} ${c.ref.name}`);
    expect(deleted).toEqual(expect.arrayContaining(['CronJob nightly-sales', 'Deployment storefront', 'Namespace shop', `Deployment ${AGENT}`]));
    expect(deleted).not.toContain('Namespace ops');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}skipped Namespace ops \(not in the cluster with our owner labels for dev; not deleted\)$/));
    expect(await exists('cronjob', 'nightly-sales', '-n', 'ops')).toBe(false);
    expect(await exists('deployment', 'storefront', '-n', 'shop')).toBe(false);
    expect(await exists('namespace', 'ops')).toBe(true);
    expect(await exists('configmap', 'hand-made', '-n', 'ops')).toBe(true);
    expect(outcome.left).toBe(0);
  });

  /** The agent with its Deployment's arguments and a token of its ServiceAccount, as a process (kwok runs no containers). */
  async function runAgentAsItsPod(): Promise<void> {
    const args = JSON.parse(await kubectl('get', 'deployment', AGENT, '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].args}')) as string[];
    const dir = tempDir('bootstrap-agent-');
    const local = args.map((a) => (a === '0.0.0.0:9090' ? '127.0.0.1:0' : a === '/var/cache/typed-gitops' ? join(dir, 'cache') : a));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, await serviceAccountKubeconfig(cluster().kubeConfig));
    // The variables as the pod gets them: the Secrets' bytes (secretKeyRef), final newline and all.
    const secretKey = async (name: string, key: string) => Buffer.from(await kubectl('get', 'secret', name, '-n', NS, '-o', `jsonpath={.data.${key}}`), 'base64').toString('utf8');
    const env = { ...process.env, GITOPS_REPO: await secretKey('git-credentials', 'url'), GITOPS_WEBHOOK_SECRET: await secretKey('gitops-webhook', 'secret'), KUBECONFIG: kubeconfig };
    await run(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...local, '--once', '--health-timeout', '0s'], { cwd: dir, env });
  }
});

/** A kubeconfig for the same server with a TokenRequest token of the agent's ServiceAccount. */
async function serviceAccountKubeconfig(admin: KubeConfig): Promise<string> {
  const { status } = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({ name: AGENT, namespace: NS, body: { spec: { audiences: [], expirationSeconds: 600 } } });
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [{ name: 'agent', token: status!.token }], contexts: [{ name: 'agent', cluster: cluster.name, user: 'agent' }], currentContext: 'agent' });
  return kc.exportConfig();
}
