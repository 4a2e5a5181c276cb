// Real signing keys for tests, made in temporary folders: ed25519 SSH keys with ssh-keygen and OpenPGP
// keys with gpg in a GNUPGHOME of their own; removed by the caller's clean-up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKey {
  /** The private key file's text (what GITOPS_SIGNING_KEY holds). */
  readonly secret: string;
  readonly secretFile: string;
  /** The public part: an allowed_signers line (SSH) or an armored public key (OpenPGP). */
  readonly allowed: string;
  /** A line of the secret's body: found anywhere, the key leaked. */
  readonly telltale: string;
  /** git settings that make `git commit` sign with this key. */
  readonly gitConfig: Readonly<Record<string, string>>;
}

/** Makes every later commit in the work tree `dir` signed by `key`, or unsigned without one. */
export function signCommitsIn(dir: string, key: TestKey | undefined): void {
  const settings = { 'commit.gpgsign': key ? 'true' : 'false', 'gpg.format': 'openpgp', 'gpg.program': 'gpg', 'user.signingkey': 'none', ...key?.gitConfig };
  for (const [name, value] of Object.entries(settings)) execFileSync('git', ['config', name, value], { cwd: dir });
}

const folders: string[] = [];
export function removeKeys(): void {
  for (const dir of folders.splice(0)) {
    try { execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: join(dir, 'gnupg') }, stdio: 'ignore' }); } catch { /* no agent */ }
    rmSync(dir, { recursive: true, force: true });
  }
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-key-'));
  folders.push(dir);
  return dir;
}

export function sshKey(principal = 'ci@example.com'): TestKey {
  const file = join(folder(), 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', principal, '-f', file]);
  const secret = readFileSync(file, 'utf8');
  return {
    secret, secretFile: file, allowed: `${principal} ${readFileSync(`${file}.pub`, 'utf8').trim()}\n`, telltale: secret.split('\n')[2]!,
    gitConfig: { 'gpg.format': 'ssh', 'user.signingkey': file },
  };
}

/** An OpenPGP signing key; `expired`: made a year ago with a lifetime of one day. */
export interface OpenpgpTestKey extends TestKey {
  readonly fingerprint: string;
  readonly home: string;
  /** Revokes the key with the certificate gpg made with it; returns the armored public key, revocation included. */
  revoke(): string;
}

export function openpgpKey(uid = 'CI <ci@example.com>', options: { expired?: boolean } = {}): OpenpgpTestKey {
  const dir = folder();
  const home = join(dir, 'gnupg');
  execFileSync('mkdir', ['-m', '700', home]);
  const env = { ...process.env, GNUPGHOME: home };
  const createdAt = Math.floor(Date.now() / 1000) - 365 * 86_400;
  const faked = options.expired ? ['--faked-system-time', `${createdAt}!`] : [];
  const signedAt = options.expired ? ['--faked-system-time', `${createdAt + 3600}!`] : [];
  execFileSync('gpg', ['--batch', '--passphrase', '', ...faked, '--quick-gen-key', uid, 'ed25519', 'sign', options.expired ? '1d' : '1y'], { env, stdio: 'ignore' });
  const colons = execFileSync('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const fingerprint = colons.split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9]!;
  const secret = execFileSync('gpg', ['--batch', '--armor', ...faked, '--export-secret-keys', fingerprint], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const secretFile = join(dir, 'secret.asc');
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const allowed = execFileSync('gpg', ['--batch', '--armor', '--export', fingerprint], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // git runs gpg through this, with the key's own home and, for an expired key, the time it was valid.
  const program = join(dir, 'gpg');
  writeFileSync(program, `#!/bin/sh\nexec gpg --homedir '${home}' ${signedAt.join(' ')} "$@"\n`, { mode: 0o700 });
  return {
    secret, secretFile, allowed, fingerprint, home, telltale: secret.split('\n').find((l) => l.length > 60 && !l.startsWith('-'))!,
    gitConfig: { 'gpg.format': 'openpgp', 'user.signingkey': fingerprint, 'gpg.program': program },
    revoke() {
      // gpg writes the certificate with its armor line quoted (':-----BEGIN'), against importing it by accident.
      const certificate = readFileSync(join(home, 'openpgp-revocs.d', `${fingerprint}.rev`), 'utf8').replace(/^:-----BEGIN/m, '-----BEGIN');
      execFileSync('gpg', ['--batch', '--import'], { env, input: certificate, stdio: ['pipe', 'ignore', 'ignore'] });
      return execFileSync('gpg', ['--batch', '--armor', '--export', fingerprint], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    },
  };
}

/** A GNUPGHOME of its own holding only these armored public keys (not trusted: gpg says GOODSIG, git %G? U). */
export function keyringWith(armored: string): string {
  const home = join(folder(), 'gnupg');
  execFileSync('mkdir', ['-m', '700', home]);
  execFileSync('gpg', ['--batch', '--import'], { env: { ...process.env, GNUPGHOME: home }, input: armored, stdio: ['pipe', 'ignore', 'ignore'] });
  return home;
}
