// Encrypted Secrets end to end against the real control plane: `gitops secret create` and `gitops synth`
// make the rendered branch, a real `gitops agent` with its age key in a Secret applies the decrypted Secret
// (and heals it);
// a file with a changed value or for another key refuses the revision naming the file, and the cluster stays
// as it was. The rendered branch, the logs, the status ConfigMap, the Events and /status never hold the plaintext.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CoreV1Api } from '@kubernetes/client-node';
import { encryptSops } from '../../core/sops/file.ts';
import { SOPS_ANNOTATION } from '../../core/sops/names.ts';
import { SECRET_RULES, secretDocument } from '../../core/sops/secret.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { freePort } from '../controlplane/ports.ts';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { waitFor } from '../setup/wait-for.ts';
import { ageKey, gitops, secretApp, sopsConfig } from '../sops/helpers.ts';

const ns = useTestNamespace({ prefix: 'sops' });
let p: TestProject | undefined;
afterEach(() => p?.cleanup());
afterAll(() => cleanUp());

const PLAIN = 'Plaintext-Db-Pa55word';
const WEBHOOK = 'sops-webhook-secret';

interface Status { revision?: string; ok?: boolean; errors?: string[] }

describe('encrypted Secrets in the agent', () => {
  it('applies the decrypted Secret, refuses a tampered or foreign file naming it, and leaks the plaintext nowhere', async () => {
    const [agentKey, stranger] = [await ageKey(), await ageKey()];
    p = makeProject({ 'apps/db.ts': secretApp(ns.name) }, { config: sopsConfig({ dev: [agentKey.recipient] }, ns.name) });
    expect((await gitops(['secret', 'create', 'dev', `${ns.name}/db`, '--from-stdin', 'password', '--root', p.root], {}, PLAIN)).code).toBe(0);
    const synth = await gitops(['synth', '--root', p.root, '--no-typecheck']);
    expect(synth.stderr).toBe('');
    const rendered = Object.fromEntries(p.snapshot());
    const secretFile = `dev/db/${ns.name}/secret-db.yaml`;
    expect(Object.keys(rendered)).toContain(secretFile);
    const remote = renderedRemote();
    const good = remote.commit(rendered);

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'age-key' }, stringData: { 'age.agekey': `# test key\n${agentKey.identity}\n` } } });
    const agent = await startAgent(remote.path);
    try {
      await agent.until(good, (s) => s.ok === true);
      const live = await core.readNamespacedSecret({ name: 'db', namespace: ns.name });
      expect(Buffer.from(live.data!.password!, 'base64').toString('utf8')).toBe(PLAIN);
      expect(live.metadata?.annotations?.[SOPS_ANNOTATION]).toBeUndefined();
      // Self-healed like any object: deleted by hand, it comes back decrypted.
      await core.deleteNamespacedSecret({ name: 'db', namespace: ns.name });
      const healed = await waitFor('the Secret back', () => core.readNamespacedSecret({ name: 'db', namespace: ns.name }).catch(() => undefined),
        (s) => s !== undefined && s.metadata?.uid !== live.metadata?.uid, { timeoutMs: 20_000 });
      expect(healed!.data).toEqual(live.data);

      // A clear field of the file changed on the branch: the MAC no longer matches.
      const tampered = remote.commit({ [secretFile]: withSopsFile(rendered[secretFile]!, (text) => changed(text, /^type: Opaque$/m, 'type: kubernetes.io/basic-auth')) });
      const refused = await agent.until(tampered, (s) => s.ok === false);
      expect(refused.errors!.join('\n')).toContain(`${secretFile}:1: Secret ${ns.name}/db (from secrets/dev/${ns.name}/db.sops.yaml) fails its MAC check`);

      // A file encrypted for another key only.
      const foreign = await encryptSops(secretDocument({ name: 'db', namespace: ns.name, values: new Map([['password', Buffer.from('other')]]) }), [stranger.recipient], SECRET_RULES);
      const wrongKey = remote.commit({ [secretFile]: withSopsFile(rendered[secretFile]!, () => foreign) });
      const refusedKey = await agent.until(wrongKey, (s) => s.ok === false);
      expect(refusedKey.errors!.join('\n')).toContain(`${secretFile}:1: Secret ${ns.name}/db (from secrets/dev/${ns.name}/db.sops.yaml) is encrypted for ${stranger.recipient}, and none of the agent's 1 age identities opens it`);
      const after = await core.readNamespacedSecret({ name: 'db', namespace: ns.name });
      expect(after.data).toEqual(live.data);
      expect(after.metadata?.resourceVersion).toBe(healed!.metadata?.resourceVersion);

      const status = await core.readNamespacedConfigMap({ name: 'typed-gitops-status-dev', namespace: ns.name });
      const events = (await core.listNamespacedEvent({ namespace: ns.name })).items;
      expect(events.length).toBeGreaterThan(0);
      const inventory = await core.readNamespacedConfigMap({ name: 'typed-gitops-inventory-dev', namespace: ns.name });
      const seen = [JSON.stringify(rendered), JSON.stringify(status), JSON.stringify(events), JSON.stringify(inventory), await agent.status(true), await agent.status(false), agent.output()].join('\n');
      for (const plain of [PLAIN, Buffer.from(PLAIN).toString('base64')]) expect(seen).not.toContain(plain);
      expect(agent.output()).toContain('fails its MAC check'); // the logs were read
    } finally {
      agent.stop();
    }
  }, 240_000);
});

function changed(text: string, from: RegExp, to: string): string {
  expect(text).toMatch(from);
  return text.replace(from, to);
}

/** The rendered Secret's YAML with its embedded SOPS file changed. */
function withSopsFile(yaml: string, change: (text: string) => string): string {
  const object = parse(yaml, { version: '1.1' }) as { metadata: { annotations: Record<string, string> } };
  object.metadata.annotations[SOPS_ANNOTATION] = change(object.metadata.annotations[SOPS_ANNOTATION]!);
  return stringify(object, { version: '1.1' });
}

async function startAgent(repo: string) {
  const port = await freePort();
  const args = ['agent', '--repo', repo, '--env', 'dev', '--no-leader-elect', '--cache-dir', tempDir(), '--kubeconfig', ns.kubeconfigPath,
    '--namespace', ns.name, '--age-key-secret', 'age-key', '--interval', '1s', '--health-timeout', '0s', '--listen', `127.0.0.1:${port}`, '--webhook-secret-env', 'SOPS_WEBHOOK'];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: tempDir('sops-cwd-'), env: { ...process.env, SOPS_WEBHOOK: WEBHOOK } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (out += c));
  const status = (withSecret: boolean) => fetch(`http://127.0.0.1:${port}/status`, { headers: withSecret ? { Authorization: `Bearer ${WEBHOOK}` } : {} })
    .then((r) => r.text()).catch(() => '');
  return {
    status,
    output: () => out,
    stop: () => child.kill('SIGKILL'),
    until: async (revision: string, done: (s: Status) => boolean): Promise<Status> => waitFor(`revision ${revision.slice(0, 8)} in /status`,
      async () => { try { return JSON.parse(await status(true)) as Status; } catch { return {}; } },
      (s) => s.revision === revision && done(s), { timeoutMs: 45_000 }).catch((error: unknown) => { throw new Error(`${String(error)}\nagent output:\n${out.slice(-3000)}`); }),
  };
}
