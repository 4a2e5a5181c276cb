// The key `gitops publish` signs rendered commits with: the key itself from GITOPS_SIGNING_KEY (a CI
// secret) or a file (--signing-key, GITOPS_SIGNING_KEY_FILE), an unencrypted OpenSSH private key (git's
// `gpg.format=ssh`) or an armored OpenPGP secret key, told apart by its first line. It is written to an
// owner-only folder (OpenPGP: imported into a GNUPGHOME of its own) for `git commit-tree -S`, and removed
// by close(); the key never reaches a command line, a log or an error message.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { UserInputError } from '../core/errors.ts';
import { fingerprints, openKeyFolder } from '../core/key-folder.ts';
import type { KeyText, TrustedKeys } from '../core/trusted-keys.ts';

export type SignatureFormat = 'ssh' | 'openpgp';

export interface Signer {
  readonly format: SignatureFormat;
  /** `-c` settings for git: the format and the key (a path or a fingerprint, never the key). */
  readonly config: readonly string[];
  /** Environment for git (GNUPGHOME for OpenPGP). */
  readonly env: Readonly<Record<string, string>>;
  /** The key's public half, to check that a commit was signed by it (the rendered-branch cache). */
  readonly publicKeys: TrustedKeys;
  close(): Promise<void>;
}

/** The signing key's text from `file`, else GITOPS_SIGNING_KEY_FILE, else GITOPS_SIGNING_KEY; undefined: do not sign. */
export function signingKeyText(file: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const path = file ?? (env.GITOPS_SIGNING_KEY_FILE || undefined);
  if (path !== undefined) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new UserInputError(`cannot read the signing key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}; nothing was pushed`, { file: path, hint: 'Pass the path of an OpenSSH or armored OpenPGP private key.' });
    }
  }
  return env.GITOPS_SIGNING_KEY || undefined;
}

export function keyFormat(text: string): SignatureFormat {
  if (/^-----BEGIN OPENSSH PRIVATE KEY-----/m.test(text)) return 'ssh';
  if (/^-----BEGIN PGP PRIVATE KEY BLOCK-----/m.test(text)) return 'openpgp';
  // Never quote the text: it may be a key after all.
  throw new UserInputError('the signing key is neither an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY-----) nor an armored OpenPGP secret key (-----BEGIN PGP PRIVATE KEY BLOCK-----); nothing was pushed', {
    hint: 'Set GITOPS_SIGNING_KEY to the whole key file (ssh-keygen -t ed25519, or gpg --armor --export-secret-keys), or pass --signing-key <file>.',
  });
}

export async function openSigner(text: string): Promise<Signer> {
  const format = keyFormat(text);
  const folder = openKeyFolder();
  try {
    // CI secrets lose the final newline or gain CRs; ssh-keygen refuses a key without its newline.
    const key = `${text.replace(/\r\n/g, '\n').trim()}\n`;
    if (format === 'ssh') {
      const file = folder.write('signing-key', key);
      const publicKeys = { allowedSigners: [own(`typed-gitops-publish ${await sshPublicKey(file)}\n`)], openpgpKeys: [] };
      return { format, config: ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${file}`], env: {}, publicKeys, close: folder.close };
    }
    await folder.gpg(['--import'], key).catch((error: Error) => {
      throw new UserInputError(`gpg could not import the OpenPGP signing key: ${lastLine(error.message)}; nothing was pushed`, { hint: 'Export it with gpg --armor --export-secret-keys <id>; a key with a passphrase is not supported.' });
    });
    const [fingerprint] = await fingerprints(folder, true);
    if (!fingerprint) throw new UserInputError('the OpenPGP signing key holds no secret key; nothing was pushed', { hint: 'Export the secret key: gpg --armor --export-secret-keys <id>.' });
    const publicKeys = { allowedSigners: [], openpgpKeys: [own(await folder.gpg(['--armor', '--export', fingerprint]))] };
    return { format, config: ['-c', 'gpg.format=openpgp', '-c', `user.signingKey=${fingerprint}`], env: { GNUPGHOME: folder.gnupgHome() }, publicKeys, close: folder.close };
  } catch (error) {
    await folder.close();
    throw error;
  }
}

function own(text: string): KeyText {
  return { text, source: 'the signing key', subject: {} };
}

/** The public key of a private key file, from ssh-keygen (the key stays in its file). */
async function sshPublicKey(file: string): Promise<string> {
  try {
    return (await promisify(execFile)('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' })).stdout.trim();
  } catch (error) {
    throw new UserInputError(`ssh-keygen could not read the SSH signing key: ${lastLine((error as { stderr?: string }).stderr ?? '')}; nothing was pushed`, { hint: 'Check that ssh-keygen is installed (Debian: openssh-client) and that the key has no passphrase.' });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
