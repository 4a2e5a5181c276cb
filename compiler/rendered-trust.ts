// Whether a rendered commit may serve as a build cache (`--cache-from`). What it holds would be published again,
// signed by CI, so it must be a commit gitops publish made: its trailers, and a good signature by the keys the
// project names for the agent (agent.verify's files), else by the key publish signs with. Without either: when
// agent.verify keeps its keys only in a Secret, nothing here could check a signature, so the commit is not used;
// otherwise publish makes unsigned commits, which an agent that checks signatures applies none of, so the branch
// is applied as anyone who can push writes it, and taking from it trusts no more than the agent does.
import { resolve } from 'node:path';
import type { ResolvedVerify } from '../core/config.ts';
import { TRAILERS } from '../core/trailers.ts';
import { openKeyring, openKeyringOf, signatureProblem, signatureStates, type Keyring, type TrustedKeys } from '../core/trusted-keys.ts';
import type { RenderLogEntry } from './rendered-branch.ts';

/** Why the commit `sha` (`entry` of the log) may not serve as a cache, or undefined when it may; `publishKeys`: the key publish signs with. */
export async function cacheTrustProblem(root: string, sha: string, entry: RenderLogEntry | undefined, verify: ResolvedVerify, publishKeys?: TrustedKeys): Promise<string | undefined> {
  if (!entry?.sourceCommit) return `it has no ${TRAILERS.sourceCommit} trailer, so gitops publish did not make it`;
  const allowedSigners = verify.allowedSigners && resolve(root, verify.allowedSigners);
  const openpgpKeys = verify.openpgpKeys.map((k) => resolve(root, k));
  if (allowedSigners || openpgpKeys.length > 0) return signedBy(root, sha, () => openKeyring({ allowedSigners, openpgpKeys }), "agent.verify's keys");
  if (publishKeys) return signedBy(root, sha, () => openKeyringOf(publishKeys), 'the key publish signs with');
  if (verify.mode === 'head') return "agent.verify names its keys only in a Secret, so the commit's signature cannot be checked here (add agent.verify.allowedSigners or openpgpKeys)";
  return undefined;
}

async function signedBy(root: string, sha: string, open: () => Promise<Keyring>, keys: string): Promise<string | undefined> {
  let keyring: Keyring;
  try {
    keyring = await open();
  } catch (error) {
    return `${keys} cannot be read: ${(error as Error).message}`;
  }
  try {
    const state = (await signatureStates(root, ['--max-count=1', sha], keyring)).get(sha) ?? { status: 'unsigned' as const };
    return state.status === 'good' ? undefined : `${signatureProblem(state)} (checked against ${keys})`;
  } finally {
    await keyring.close();
  }
}
