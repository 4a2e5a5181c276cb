// Verification of the commit to apply (agent.verify mode 'head'): git checks its signature against the
// allowed keys only (an allowed_signers file and OpenPGP keys in a keyring of its own), and anything but
// a good signature by an allowed key refuses the commit, naming it and why. Keys come from files (read at
// start) and/or a Secret, read again for each commit verified, so a rotation takes effect without a restart.
import { UserInputError } from '../core/errors.ts';
import { openKeyringOf, readKeyFiles, signatureProblem, signatureStates, type Keyring, type TrustedKeyFiles, type TrustedKeys } from '../core/trusted-keys.ts';
import { readKeysSecret, secretLabel } from './keys-secret.ts';
import type { KubeClient } from './kube.ts';
import type { NamedObject } from './named-object.ts';
import { settingsError } from './settings.ts';

export interface CommitVerifier {
  /** Resolves when `commit` carries a good signature by an allowed key; else throws a UserInputError naming it and why. */
  verify(commit: string): Promise<void>;
  /** Why `commit` carries no good signature by an allowed key (e.g. 'it is not signed'), or undefined when it does. */
  problem(commit: string): Promise<string | undefined>;
  /** Removes the keyring. */
  close(): Promise<void>;
}

export interface VerifierOptions {
  readonly dir: string;
  readonly keys: TrustedKeyFiles;
  /** A Secret of allowed keys, read with `kube` (the agent's own identity). @default none */
  readonly secret?: NamedObject & { readonly kube: KubeClient };
  readonly timeoutMs?: number;
}

export async function openVerifier(options: VerifierOptions): Promise<CommitVerifier> {
  const files = readKeyFiles(options.keys);
  // Opened once here, so that a bad key file stops the agent at start.
  let current: { version: string; keyring: Keyring } | undefined = { version: '', keyring: await openKeyringOf(files) };
  async function keyring(): Promise<Keyring> {
    if (!options.secret) return current!.keyring;
    const { version, keys } = await readKeysSecret(options.secret.kube, options.secret);
    if (current?.version !== version) {
      const next = await openKeyringOf(merged(files, keys)).catch((error: unknown) => {
        throw error instanceof UserInputError ? settingsError(secretLabel(options.secret!), `holds a key that cannot be used: ${error.message}`, error.subject.hint ?? '') : error;
      });
      await current?.keyring.close();
      current = { version, keyring: next };
    }
    return current.keyring;
  }
  async function problem(commit: string): Promise<string | undefined> {
    const state = (await signatureStates(options.dir, ['--max-count=1', commit, '--'], await keyring(), options.timeoutMs)).get(commit) ?? { status: 'unsigned' };
    return state.status === 'good' ? undefined : signatureProblem(state);
  }
  return {
    close: async () => { await current?.keyring.close(); current = undefined; },
    problem,
    async verify(commit) {
      const found = await problem(commit);
      if (found === undefined) return;
      const where = options.secret ? `, ${secretLabel(options.secret)}` : '';
      throw new UserInputError(`commit ${commit} is refused: ${found}; only commits signed by an allowed key are applied (agent.verify), and the cluster stays at the last verified revision`, {
        commit, hint: `Publish it signed with an allowed key (gitops publish with GITOPS_SIGNING_KEY or --signing-key), or allow its key in agent.verify (--allowed-signers, --openpgp-keys${where}).`,
      });
    },
  };
}

function merged(a: TrustedKeys, b: TrustedKeys): TrustedKeys {
  return { allowedSigners: [...a.allowedSigners, ...b.allowedSigners], openpgpKeys: [...a.openpgpKeys, ...b.openpgpKeys] };
}
