// The agent's signature check over a real clone with real keys: a good signature by an allowed SSH or
// OpenPGP key passes; unsigned, signed by a key that is not allowed, by an expired or revoked key, or a signature
// that no longer matches the commit are refused with a UserInputError naming the commit and why.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import { openSource } from '../../agent/source.ts';
import { openVerifier } from '../../agent/verify.ts';
import { openpgpKey, removeKeys, signCommitsIn, sshKey, type TestKey } from '../helpers/keys.ts';
import { cleanUp, renderedRemote, tempDir } from './fixtures.ts';

afterAll(() => { cleanUp(); removeKeys(); });

describe('commit verification', async () => {
  const allowedSsh = sshKey('ci@example.com'), otherSsh = sshKey('intruder@example.com');
  const allowedPgp = openpgpKey(), otherPgp = openpgpKey('Intruder <intruder@example.com>'), expiredPgp = openpgpKey('Old CI <old@example.com>', { expired: true });
  const revokedPgp = openpgpKey('Leaked CI <leaked@example.com>');
  const remote = renderedRemote();
  const work = join(remote.baseDir, 'work');
  const commit = (key: TestKey | undefined, n: number) => { signCommitsIn(work, key); return remote.commit({ 'dev/a.yaml': `a: ${n}\n` }); };
  const commits = {
    ssh: commit(allowedSsh, 1), pgp: commit(allowedPgp, 2), unsigned: commit(undefined, 3), otherSsh: commit(otherSsh, 4),
    otherPgp: commit(otherPgp, 5), expired: commit(expiredPgp, 6), revoked: commit(revokedPgp, 7),
  };
  const keys = tempDir('verify-keys-');
  writeFileSync(join(keys, 'allowed_signers'), allowedSsh.allowed);
  // The leaked key was allowed, then revoked: the keys the agent is given carry the revocation.
  writeFileSync(join(keys, 'openpgp.asc'), allowedPgp.allowed + expiredPgp.allowed + revokedPgp.revoke());
  const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
  await source.update();
  const verifier = await openVerifier({ dir: source.dir, keys: { allowedSigners: join(keys, 'allowed_signers'), openpgpKeys: [join(keys, 'openpgp.asc')] } });
  afterAll(() => verifier.close());
  const refusal = (sha: string) => verifier.verify(sha).then(() => undefined, (e: unknown) => e as UserInputError);

  it('passes a good signature by an allowed SSH or OpenPGP key', async () => {
    await verifier.verify(commits.ssh);
    await verifier.verify(commits.pgp);
  });

  it('refuses an unsigned commit, naming it', async () => {
    const error = await refusal(commits.unsigned);
    expect(error).toBeInstanceOf(UserInputError);
    expect(error!.message).toBe(`commit ${commits.unsigned} is refused: it is not signed; only commits signed by an allowed key are applied (agent.verify), and the cluster stays at the last verified revision`);
    expect(error!.subject.commit).toBe(commits.unsigned);
  });

  it('refuses commits signed by keys that are not allowed, naming the key', async () => {
    expect((await refusal(commits.otherSsh))!.message).toMatch(/it is signed by key SHA256:\S+, which is not an allowed key/);
    const pgp = await refusal(commits.otherPgp);
    expect(pgp!.message).toContain(`it is signed by key ${otherPgp.fingerprint.slice(-16)}`);
    expect(pgp!.message).toContain('which is not an allowed key');
  });

  it('refuses a commit signed by an allowed key that has expired', async () => {
    expect((await refusal(commits.expired))!.message).toContain(`it is signed by key ${expiredPgp.fingerprint.slice(-16)} (Old CI <old@example.com>), which has expired`);
  });

  it('refuses a commit signed by an allowed key that was revoked since', async () => {
    expect((await refusal(commits.revoked))!.message).toContain(`it is signed by key ${revokedPgp.fingerprint.slice(-16)} (Leaked CI <leaked@example.com>), which is revoked`);
  });

  it('refuses a signature that no longer matches its commit (a forged copy)', async () => {
    // The same signature header over another message: what one gets by editing a signed commit object.
    const raw = execFileSync('git', ['cat-file', 'commit', commits.ssh], { cwd: source.dir, encoding: 'utf8' });
    const forged = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: source.dir, input: raw.replace(/render \d+/, 'render 99'), encoding: 'utf8' }).trim();
    expect((await refusal(forged))!.message).toContain(`commit ${forged} is refused: its signature does not match the commit (changed after signing, or forged)`);
  });

  it('never uses the keys of the user\'s own keyring', async () => {
    const noKeys = await openVerifier({ dir: source.dir, keys: {} });
    try {
      const error = await noKeys.verify(commits.pgp).catch((e: Error) => e);
      expect((error as Error).message).toContain('which is not an allowed key');
    } finally {
      await noKeys.close();
    }
  });
});
