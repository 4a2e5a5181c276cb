// Verification of the commit to apply (agent.verify mode 'head'): git checks its signature against the
// allowed keys only (an allowed_signers file and OpenPGP keys in a keyring of its own), and anything but
// a good signature by an allowed key refuses the commit, naming it and why.
import { UserInputError } from '../compiler/errors.ts';
import { openKeyring, signatureProblem, signatureStates, type TrustedKeyFiles } from '../compiler/trusted-keys.ts';

export interface CommitVerifier {
  /** Resolves when `commit` carries a good signature by an allowed key; else throws a UserInputError naming it and why. */
  verify(commit: string): Promise<void>;
  /** Removes the keyring. */
  close(): Promise<void>;
}

export async function openVerifier(options: { readonly dir: string; readonly keys: TrustedKeyFiles; readonly timeoutMs?: number }): Promise<CommitVerifier> {
  const keyring = await openKeyring(options.keys);
  return {
    close: keyring.close,
    async verify(commit) {
      const state = (await signatureStates(options.dir, ['--max-count=1', commit, '--'], keyring, options.timeoutMs)).get(commit) ?? { status: 'unsigned' };
      if (state.status === 'good') return;
      throw new UserInputError(`commit ${commit} is refused: ${signatureProblem(state)}; only commits signed by an allowed key are applied (agent.verify), and the cluster stays at the last verified revision`, {
        commit, hint: 'Publish it signed with an allowed key (gitops publish with GITOPS_SIGNING_KEY or --signing-key), or allow its key in agent.verify (--allowed-signers, --openpgp-keys).',
      });
    },
  };
}
