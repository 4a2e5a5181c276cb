// A `gitops agent` with --allowed-signers and --openpgp-keys against the real control plane: a commit
// signed by an allowed key is applied; unsigned, signed by a key that is not allowed, and signed by an
// expired allowed key are refused (the status names the commit and why, the cluster stays at the last
// verified revision), and the next good commit is applied at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../agent/status-command.ts';
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

const refused = (s: Scene, commit: string, why: string) => waitFor(`the status of ${s.env} to refuse ${commit.slice(0, 12)}`, () => readStatus(s.cluster.connection, s.namespace, s.env),
  (r) => !r.ok && r.errors.some((e) => e.includes(`commit ${commit} is refused: ${why}`)), { timeoutMs: 30_000, intervalMs: 100 });

describe('signed revisions', () => {
  it('applies only commits signed by an allowed key', { timeout: 90_000 }, async () => {
    const s = await scene(sharedCluster(), 'signed');
    const ci = sshKey('ci@example.com'), intruder = sshKey('intruder@example.com');
    const pgp = openpgpKey(), expired = openpgpKey('Old CI <old@example.com>', { expired: true });
    const keys = tempDir('agent-keys-');
    writeFileSync(join(keys, 'allowed_signers'), ci.allowed);
    writeFileSync(join(keys, 'openpgp.asc'), pgp.allowed + expired.allowed);
    const work = join(s.remote.baseDir, 'work');
    const publish = (key: TestKey | undefined, values: Record<string, string>) => { signCommitsIn(work, key); return s.publish(values); };

    const good = configMaps(3, 'good');
    const first = publish(ci, good);
    const agent = agentChild(s, {
      kubeconfig: s.cluster.kubeconfigPath, cacheDir: tempDir('signed-clone-'), interval: '300ms',
      extra: ['--allowed-signers', join(keys, 'allowed_signers'), '--openpgp-keys', join(keys, 'openpgp.asc')],
    });
    try {
      await convergedAt(s, first);
      await expectConsistent(s, first, good);

      for (const [key, why] of [
        [undefined, 'it is not signed'],
        [intruder, 'it is signed by key SHA256:'],
        [expired, `it is signed by key ${expired.fingerprint.slice(-16)} (Old CI <old@example.com>), which has expired`],
      ] as const) {
        const hostile = publish(key, { ...configMaps(3, 'hostile'), ...configMaps(2, 'extra', 'x') });
        const status = await refused(s, hostile, why);
        expect(status.revision).toBe(first); // the last verified revision
        expect(await s.live()).toEqual(good);
      }

      const next = { ...configMaps(3, 'next') };
      const signed = publish(pgp, next);
      await convergedAt(s, signed);
      await expectConsistent(s, signed, next);
    } finally {
      await agent.kill();
    }
  });
});
