// The platform's settings of an agent, in the cluster and never from the branch, against the real control
// plane with real keys: the allowed keys from a Secret (rotated without a restart; missing: fail closed and
// retried), the bounds from a settings ConfigMap (widened without a restart), and a revision that holds the
// agent's own objects (its settings ConfigMap, its inventory) refused whole.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderedYaml } from './harness.ts';
import { loadInventory } from '../../agent/inventory.ts';
import { KubeClient } from '../../agent/kube.ts';
import { readStatus, type StoredResult } from '../../agent/status-command.ts';
import { cleanUp, tempDir } from '../agent-source/fixtures.ts';
import { agentChild, configMaps, convergedAt, expectConsistent, killAgents, scene, type Scene } from '../faults/harness.ts';
import { openpgpKey, removeKeys, signCommitsIn, sshKey, type TestKey } from '../helpers/keys.ts';
import { sharedCluster } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';

afterAll(() => {
  killAgents();
  cleanUp();
  removeKeys();
});

/** Waits for a failed status at `commit` whose errors say `what`. */
const failedWith = (s: Scene, commit: string, what: string): Promise<StoredResult> => waitFor(`the status of ${s.env} to say ${what}`,
  () => readStatus(s.cluster.connection, s.namespace, s.env),
  (r) => !r.ok && r.errors.some((e) => e.includes(what)) && (r.revision === commit || r.errors.some((e) => e.includes(commit))), { timeoutMs: 30_000, intervalMs: 100 });

const warned = async (s: Scene, what: string) => (await new KubeClient(s.cluster.connection).list('v1', 'Event', { namespace: s.namespace }))
  .some((e) => e.type === 'Warning' && String(e.message).includes(what));

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A ServiceAccount `deployer` of the scene's namespace that may manage ConfigMaps there, and read no Secret. */
async function configMapDeployer(kube: KubeClient, namespace: string): Promise<void> {
  await kube.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace } });
  await kube.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'configmaps', namespace },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }] });
  await kube.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }] });
}

describe('allowed keys from a Secret (--verify-keys-secret)', () => {
  it('applies what its keys allow, follows a rotation without a restart, and fails closed while it is missing', { timeout: 120_000 }, async () => {
    const s = await scene(sharedCluster(), 'keysecret');
    const kube = new KubeClient(s.cluster.connection);
    // The objects are written as a ServiceAccount that may not read the Secret: the agent reads it as itself.
    await configMapDeployer(kube, s.namespace);
    const secret = (data: Record<string, string>) => kube.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'agent-keys', namespace: s.namespace }, data });
    const old = sshKey('ci@example.com'), next = openpgpKey('Next CI <next@example.com>');
    const work = join(s.remote.baseDir, 'work');
    const publish = (key: TestKey, values: Record<string, string>) => { signCommitsIn(work, key); return s.publish(values); };

    const first = publish(old, configMaps(2, 'first'));
    const missing = `the agent's keys Secret ${s.namespace}/agent-keys does not exist, so no commit can be verified`;
    const missingSaid = () => waitFor('the status to name the missing Secret', () => readStatus(s.cluster.connection, s.namespace, s.env),
      (r) => !r.ok && r.errors.some((e) => e.includes(missing)), { timeoutMs: 30_000, intervalMs: 100 });
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('keysecret-clone-'), interval: '300ms', extra: ['--verify-keys-secret', 'agent-keys', '--service-account', 'deployer'] });
    try {
      // Not made yet: nothing applied, the status names it; applied once the bootstrap makes it.
      await missingSaid();
      expect(await s.live()).toEqual({});
      await secret({ allowed_signers: base64(old.allowed) });
      await convergedAt(s, first);

      // Rotated: the old key no longer counts, the new one does, with no restart.
      await secret({ 'next.asc': base64(next.allowed) });
      const byOld = publish(old, configMaps(2, 'by-old-key'));
      await failedWith(s, byOld, `commit ${byOld} is refused: it is signed by key SHA256:`);
      expect(await s.live()).toEqual(configMaps(2, 'first'));
      const byNext = publish(next, configMaps(2, 'by-next-key'));
      await convergedAt(s, byNext);

      // Missing: nothing applied, the status and an Event name the Secret; retried until it is back.
      await kube.delete({ apiVersion: 'v1', group: '', kind: 'Secret', namespace: s.namespace, name: 'agent-keys' }, 'Background');
      const meanwhile = publish(next, configMaps(2, 'meanwhile'));
      const status = await missingSaid();
      expect(status.revision).toBe(byNext);
      expect(await s.live()).toEqual(configMaps(2, 'by-next-key'));
      await waitFor('a Warning Event naming the Secret', () => warned(s, `Secret ${s.namespace}/agent-keys`), Boolean, { timeoutMs: 10_000, intervalMs: 100 });
      await secret({ 'next.asc': base64(next.allowed) });
      await convergedAt(s, meanwhile);
      await expectConsistent(s, meanwhile, configMaps(2, 'meanwhile'));
    } finally {
      await agent.kill();
    }
  });
});

describe('bounds from a settings ConfigMap (--settings)', () => {
  it('refuses what is outside, applies once the ConfigMap is widened, and refuses a revision holding the agent\'s own objects', { timeout: 120_000 }, async () => {
    const s = await scene(sharedCluster(), 'settings');
    const kube = new KubeClient(s.cluster.connection);
    const settings = (data: Record<string, string>) => kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent-settings', namespace: s.namespace }, data });
    await settings({ namespaces: 'elsewhere-*' });
    const values = configMaps(2, 'settings');
    const head = s.publish(values);
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('settings-clone-'), interval: '300ms', extra: ['--settings', 'agent-settings'] });
    try {
      await failedWith(s, head, `${s.env}/app/${s.namespace}/configmap-cm-000.yaml:1: ConfigMap ${s.namespace}/cm-000: namespace '${s.namespace}' is not allowed (allowed: elsewhere-*) [namespace-not-allowed]`);
      expect(await s.live()).toEqual({});

      await settings({ namespaces: `elsewhere-*,${s.namespace}`, clusterKinds: '' });
      await convergedAt(s, head);
      await expectConsistent(s, head, values);

      // A push that would widen its own bounds, or forge its inventory, is refused whole.
      const own = (name: string, data: Record<string, string>) => renderedYaml(s.env, 'app', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: s.namespace }, data });
      const forged = [`${s.env}/app/${s.namespace}/configmap-agent-settings.yaml`, `${s.env}/app/${s.namespace}/configmap-typed-gitops-inventory-${s.env}.yaml`];
      const widening = s.publish(configMaps(2, 'widened'), { files: {
        [forged[0]!]: own('agent-settings', { namespaces: '*', clusterKinds: '*' }),
        [forged[1]!]: own(`typed-gitops-inventory-${s.env}`, {}),
      } });
      const refused = await failedWith(s, widening, `ConfigMap ${s.namespace}/agent-settings is the agent's settings ConfigMap (--settings, agent.settings) [reserved]`);
      expect(refused.errors.join('\n')).toContain(`ConfigMap ${s.namespace}/typed-gitops-inventory-${s.env} is the agent's own inventory or status [reserved]`);
      expect(await s.live()).toEqual(values);
      expect((await kube.read('v1', 'ConfigMap', s.namespace, 'agent-settings'))?.data).toEqual({ namespaces: `elsewhere-*,${s.namespace}`, clusterKinds: '' });

      // Missing: fail closed, naming it.
      await kube.delete({ apiVersion: 'v1', group: '', kind: 'ConfigMap', namespace: s.namespace, name: 'agent-settings' }, 'Background');
      const later = s.publish(configMaps(1, 'later'), { files: Object.fromEntries(forged.map((f) => [f, null])) });
      await failedWith(s, later, `the agent's settings ConfigMap ${s.namespace}/agent-settings does not exist`);
      expect(await s.live()).toEqual(values);
    } finally {
      await agent.kill();
    }
  });
});

describe("the agent's own objects", () => {
  it('refuses a revision that would overwrite its inventory, also without --settings', { timeout: 60_000 }, async () => {
    const s = await scene(sharedCluster(), 'own');
    const values = configMaps(2, 'own');
    const first = s.publish(values);
    const agent = agentChild(s, { kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('own-clone-'), interval: '300ms' });
    try {
      await convergedAt(s, first);
      const inventory = `typed-gitops-inventory-${s.env}`;
      const forged = s.publish(configMaps(2, 'forged'), { files: {
        [`${s.env}/app/${s.namespace}/configmap-${inventory}.yaml`]: renderedYaml(s.env, 'app', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: inventory, namespace: s.namespace }, data: { 'inventory.json': '{"entries":[]}' } }),
      } });
      await failedWith(s, forged, `ConfigMap ${s.namespace}/${inventory} is the agent's own inventory or status [reserved]`);
      expect(await s.live()).toEqual(values);
      const kube = new KubeClient(s.cluster.connection);
      expect((await kube.read('v1', 'ConfigMap', s.namespace, inventory))?.data).toBeUndefined();
      expect((await loadInventory(kube, s.namespace, s.env)).entries.map((e) => e.ref.name).sort()).toEqual(Object.keys(values));
    } finally {
      await agent.kill();
    }
  });
});
