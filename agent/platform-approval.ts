// Whether the platform approved a commit that changes the agent's own objects (with --service-account the agent
// writes them with its own identity, so a team's push must not choose them): a good signature by a key of the
// platform's keys Secret (--platform-keys-secret), a set distinct from the keys the team's commits are signed with.
import type { KubeClient } from './kube.ts';
import type { NamedObject } from './named-object.ts';
import { openVerifier } from './verify.ts';

export interface PlatformApprover {
  /** Resolves to why the commit is not approved, or undefined when a platform key signed it; a Secret that cannot be used throws. */
  approve(commit: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** `dir`: the clone holding the commits; the Secret (keys as --verify-keys-secret's) is read with `kube`, the agent's own identity, for each commit. */
export async function platformApprover(dir: string, secret: NamedObject & { readonly kube: KubeClient }, timeoutMs?: number): Promise<PlatformApprover> {
  const verifier = await openVerifier({ dir, keys: {}, secret, ...(timeoutMs ? { timeoutMs } : {}) });
  return {
    close: () => verifier.close(),
    approve: async (commit) => {
      const found = await verifier.problem(commit);
      return found === undefined ? undefined : `commit ${commit.slice(0, 12)} is not signed by a platform key of Secret ${secret.namespace}/${secret.name} (--platform-keys-secret): ${found}`;
    },
  };
}
