// The keys a rendered commit may be signed with, and what git says of a commit's signature against
// them. SSH keys are an `allowed_signers` file (gpg.ssh.allowedSignersFile); OpenPGP keys are armored
// public keys, imported into a GNUPGHOME of its own and trusted there, so that nothing of the user's own
// keyring counts. The state is git's own verdict (%G?, the same check as `git verify-commit`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GitError, UserInputError, type ErrorSubject } from './errors.ts';
import { runGitText } from './git-read.ts';
import { fingerprints, openKeyFolder } from './key-folder.ts';

export interface TrustedKeyFiles {
  /** An SSH allowed_signers file (`<principal> <key type> <key>` per line). @default none */
  readonly allowedSigners?: string;
  /** Files of armored OpenPGP public keys. @default none */
  readonly openpgpKeys?: readonly string[];
}

export interface Keyring {
  /** `-c` settings for git's signature checks. */
  readonly config: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Key texts and where each came from (a file, or a key of a Secret), for the errors about them. */
export interface TrustedKeys {
  readonly allowedSigners: readonly KeyText[];
  readonly openpgpKeys: readonly KeyText[];
}

export interface KeyText {
  readonly text: string;
  /** What the errors name, e.g. 'keys/ci.asc' or "key ci.asc of Secret gitops-system/keys". */
  readonly source: string;
  readonly subject: ErrorSubject;
}

export async function openKeyring(files: TrustedKeyFiles): Promise<Keyring> {
  return openKeyringOf(readKeyFiles(files));
}

/** The texts of the key files; a file that cannot be read is a UserInputError naming it. */
export function readKeyFiles(files: TrustedKeyFiles): TrustedKeys {
  const read = (file: string, what: string): KeyText => ({ text: readable(file, what), source: file, subject: { file } });
  return {
    allowedSigners: files.allowedSigners ? [read(files.allowedSigners, 'allowed signers')] : [],
    openpgpKeys: (files.openpgpKeys ?? []).map((f) => read(f, 'OpenPGP public key')),
  };
}

export async function openKeyringOf(keys: TrustedKeys): Promise<Keyring> {
  const folder = openKeyFolder();
  try {
    // Without an allowed_signers file git cannot check an SSH signature; an empty one allows no key.
    const allowed = folder.write('allowed_signers', keys.allowedSigners.map((k) => k.text.replace(/\n?$/, '\n')).join(''));
    // Checking signatures needs no gpg-agent: none is started, so none outlives an agent that is killed.
    folder.gnupgHome();
    folder.write('gnupg/gpg.conf', 'no-autostart\n');
    for (const key of keys.openpgpKeys) {
      if (!key.text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
        throw new UserInputError(`${key.source} holds no armored OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)`, { ...key.subject, hint: 'Export it with gpg --armor --export <id>.' });
      }
      await folder.gpg(['--import'], key.text).catch((error: Error) => {
        throw new UserInputError(`gpg could not import the OpenPGP key of ${key.source}: ${error.message.trim().split('\n').at(-1)}`, { ...key.subject, hint: 'Export it with gpg --armor --export <id>.' });
      });
    }
    const env = { GNUPGHOME: folder.gnupgHome() };
    const trusted = await fingerprints(folder, false);
    // Every key here was allowed on purpose: trust it, so that a good signature by it is 'G', not 'U'.
    if (trusted.length > 0) await folder.gpg(['--import-ownertrust'], trusted.map((f) => `${f}:6:\n`).join(''));
    return { config: ['-c', `gpg.ssh.allowedSignersFile=${allowed}`], env, close: folder.close };
  } catch (error) {
    await folder.close();
    throw error;
  }
}

function readable(file: string, what: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new UserInputError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { file, hint: `Pass the path of an existing ${what} file.` });
  }
}

export type SignatureStatus = 'good' | 'bad' | 'not-allowed' | 'expired-signature' | 'expired-key' | 'revoked-key' | 'unknown-key' | 'unsigned';

export interface SignatureState {
  readonly status: SignatureStatus;
  /** The signing key's id (OpenPGP) or fingerprint (SSH), when signed. */
  readonly key?: string;
  /** The signer: OpenPGP user id or the SSH principal, when known. */
  readonly signer?: string;
}

/** git log's format for a commit's signature: %G? (the verdict), key, signer. */
const SIGNATURE_FORMAT = '%G?%x1f%GK%x1f%GS';

/**
 * The signature state of each commit `git log <range>` lists (commit -> state), checked against the keyring's keys,
 * or, without one, against git's own settings (the user's keyring and gpg.ssh.allowedSignersFile).
 */
export async function signatureStates(dir: string, range: readonly string[], keyring?: Keyring, timeoutMs?: number): Promise<Map<string, SignatureState>> {
  const args = [...(keyring?.config ?? []), 'log', `--format=%H%x1f${SIGNATURE_FORMAT}%x1e`, ...range];
  const result = await runGitText(dir, args, { env: keyring?.env, timeoutMs });
  if (result.code !== 0) throw new GitError(`checking the signatures of ${range.join(' ')}: ${result.stderr.trim()}`, { hint: 'Fetch the rendered branch first.' });
  const records = result.stdout.split('\x1e').map((r) => r.trim()).filter(Boolean);
  return new Map(records.map((record) => {
    const at = record.indexOf('\x1f');
    return [record.slice(0, at), parseSignature(record.slice(at + 1))];
  }));
}

const STATUS: Readonly<Record<string, SignatureStatus>> = {
  G: 'good', B: 'bad', U: 'not-allowed', X: 'expired-signature', Y: 'expired-key', R: 'revoked-key', E: 'unknown-key', N: 'unsigned',
};

export function parseSignature(field: string): SignatureState {
  const [letter = 'N', key, signer] = field.split('\x1f');
  return { status: STATUS[letter.trim()] ?? 'bad', ...(key ? { key } : {}), ...(signer ? { signer } : {}) };
}

/** Why a commit with this signature may not be applied (for one that is not good). */
export function signatureProblem(state: SignatureState): string {
  const by = `${state.key ? `key ${state.key}` : 'an unknown key'}${state.signer ? ` (${state.signer})` : ''}`;
  switch (state.status) {
    case 'good': return 'it carries a good signature';
    case 'unsigned': return 'it is not signed';
    case 'bad': return `its signature${state.key ? ` by ${by}` : ''} does not match the commit (changed after signing, or forged)`;
    case 'not-allowed': case 'unknown-key': return `it is signed by ${by}, which is not an allowed key`;
    case 'expired-signature': return `its signature by ${by} has expired`;
    case 'expired-key': return `it is signed by ${by}, which has expired`;
    case 'revoked-key': return `it is signed by ${by}, which is revoked`;
  }
}
