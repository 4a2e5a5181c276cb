// Decrypts the encrypted Secrets of a DesiredSet in memory: a rendered Secret whose annotation holds a
// SOPS file becomes the plain Secret it encrypts, after its MAC is checked. Its hash stays the hash of
// the rendered (encrypted) object, so the inventory learns nothing of the values. A file that does
// not open or was changed refuses the revision whole, naming the file; nothing of it is applied.
import { ClusterError, UserInputError } from '../core/errors.ts';
import { formatRef } from '../core/kinds.ts';
import { SOPS_ANNOTATION, SOPS_FILE_ANNOTATION } from '../core/sops/names.ts';
import type { AgeIdentities } from './age-identities.ts';
import type { DesiredObject, DesiredSet, K8sObject } from './types.ts';

const isEncrypted = (d: DesiredObject) => d.ref.group === '' && d.ref.kind === 'Secret' && d.object.metadata.annotations?.[SOPS_ANNOTATION] !== undefined;

/** Decrypts a DesiredSet's encrypted Secrets; the result of each rendered object is kept for the next reconcile. */
export type SecretDecryptor = (set: DesiredSet) => Promise<DesiredSet>;

/**
 * A decryptor that remembers each Secret it opened by its rendered hash (in memory only, for the objects of the
 * last revision): a steady-state reconcile neither reads the key Secret nor decrypts again.
 */
export function secretDecryptor(identities: AgeIdentities | undefined): SecretDecryptor {
  let opened = new Map<string, K8sObject>();
  return async (set) => {
    const encrypted = set.objects.filter(isEncrypted);
    const missing = encrypted.filter((d) => !opened.has(d.hash));
    const fresh = missing.length ? await decryptAll(set, missing, identities) : new Map<string, K8sObject>();
    const next = new Map(encrypted.map((d) => [d.hash, fresh.get(d.hash) ?? opened.get(d.hash)!]));
    opened = next;
    return encrypted.length === 0 ? set : { ...set, objects: set.objects.map((d) => (next.has(d.hash) && isEncrypted(d) ? { ...d, object: next.get(d.hash)! } : d)) };
  };
}

async function decryptAll(set: DesiredSet, encrypted: readonly DesiredObject[], identities: AgeIdentities | undefined): Promise<Map<string, K8sObject>> {
  if (!identities) {
    throw new ClusterError(`${encrypted[0]!.file}: ${formatRef(encrypted[0]!.ref)} is encrypted (SOPS), and the agent has no age identity; nothing is applied until it has one`, {
      hint: 'Give the agent its key: --age-key-secret <[namespace/]name> (a Secret with key age.agekey) or --age-key-file <file>.',
    });
  }
  // Loaded only by an agent whose revisions hold encrypted Secrets: the crypto costs memory.
  const [keys, { plainSecret }, { SopsError }] = await Promise.all([identities(), import('./open-secret.ts'), import('../core/sops/file.ts')]);
  const problems: string[] = [];
  const plain = new Map<string, K8sObject>();
  for (const d of encrypted) {
    try { plain.set(d.hash, await plainSecret(d.object, keys)); } catch (error) {
      if (!(error instanceof SopsError)) throw error;
      const source = d.object.metadata.annotations?.[SOPS_FILE_ANNOTATION];
      problems.push(`${d.file}: ${formatRef(d.ref)}${source ? ` (from ${source})` : ''} ${error.message}`);
    }
  }
  if (problems.length) {
    throw new UserInputError(`revision ${set.revision.commit.slice(0, 12)} of ${set.revision.env} cannot be applied:\n  ${problems.join('\n  ')}`, {
      env: set.revision.env, commit: set.revision.commit,
      hint: "Nothing was applied from it. Encrypt the file for this environment's agent again (gitops secret rotate) and publish again.",
    });
  }
  return plain;
}
