// Whether a rendered commit may serve as a build cache (`--cache-from`). What it holds would be published
// again, signed by CI, so it must be a commit gitops publish made (its trailers) and, when the project
// names keys for the agent's verification, one signed by such a key. Without key files in the project:
// with verification off the agent applies any commit of the branch as it is, so taking from it gives a
// pusher nothing more; with keys only in a cluster Secret, nothing here could check the signature, so
// the commit is not used.
import { resolve } from 'node:path';
import type { ResolvedVerify } from '../core/config.ts';
import { TRAILERS } from '../core/trailers.ts';
import { openKeyring, signatureProblem, signatureStates } from '../core/trusted-keys.ts';
import { readRenderLog } from './rendered-branch.ts';

/** Why the commit `sha` may not serve as a cache, or undefined when it may. */
export async function cacheTrustProblem(root: string, sha: string, verify: ResolvedVerify): Promise<string | undefined> {
  const [entry] = await readRenderLog(root, sha, { max: 1 });
  if (!entry?.sourceCommit) return `it has no ${TRAILERS.sourceCommit} trailer, so gitops publish did not make it`;
  const allowedSigners = verify.allowedSigners && resolve(root, verify.allowedSigners);
  const openpgpKeys = verify.openpgpKeys.map((k) => resolve(root, k));
  if (!allowedSigners && openpgpKeys.length === 0) {
    return verify.mode === 'head' ? "agent.verify names its keys only in a Secret, so the commit's signature cannot be checked here (add agent.verify.allowedSigners or openpgpKeys)" : undefined;
  }
  let keyring;
  try {
    keyring = await openKeyring({ allowedSigners, openpgpKeys });
  } catch (error) {
    return `agent.verify's keys cannot be read: ${(error as Error).message}`;
  }
  try {
    const state = (await signatureStates(root, ['--max-count=1', sha], keyring)).get(sha) ?? { status: 'unsigned' as const };
    return state.status === 'good' ? undefined : `${signatureProblem(state)} (checked against agent.verify's keys)`;
  } finally {
    await keyring.close();
  }
}
