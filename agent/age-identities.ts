// Where the agent's age identities come from (--age-key-secret, --age-key-file): a Secret in its own
// namespace, read with the agent's own identity each time a revision holds encrypted Secrets (so a rotation
// takes effect without a restart), or a file. Missing or without a key: fail closed, naming it.
import { readFile } from 'node:fs/promises';
import { ClusterError, formatError } from '../core/errors.ts';
import { parseIdentities } from '../core/sops/identity-text.ts';
import type { KubeClient } from './kube.ts';
import type { NamedObject } from './named-object.ts';
import { readOwnObject, settingsError } from './settings.ts';

/** The identities, read now; throws naming the source when there is none. */
export type AgeIdentities = () => Promise<readonly string[]>;

/** Keys of the Secret holding identities: `age.agekey` or any key ending `.agekey` (as Flux names them). */
const isKeyName = (key: string) => key.endsWith('.agekey');

export function ageIdentitiesFromSecret(kube: KubeClient, at: NamedObject): AgeIdentities {
  return async () => {
    const where = `the agent's age key Secret ${at.namespace}/${at.name}`;
    const create = `age-keygen -o age.agekey && kubectl -n ${at.namespace} create secret generic ${at.name} --from-file=age.agekey`;
    const secret = await readOwnObject(kube, 'Secret', at, where, {
      message: 'does not exist, so no encrypted Secret can be decrypted', hint: `Create it (${create}), or point --age-key-secret at the right one.`,
    });
    const data = (secret.data ?? {}) as Record<string, string>;
    const identities = Object.keys(data).filter(isKeyName).flatMap((k) => parseIdentities(Buffer.from(data[k]!, 'base64').toString('utf8')));
    if (identities.length === 0) throw settingsError(where, 'holds no age identity (AGE-SECRET-KEY-1… under a key ending .agekey)', `Put one there (${create}).`);
    return identities;
  };
}

export function ageIdentitiesFromFile(path: string): AgeIdentities {
  return async () => {
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new ClusterError(`the age key file ${path} (--age-key-file) cannot be read: ${formatError(error)}; nothing is applied until it is fixed`);
    });
    const identities = parseIdentities(text);
    if (identities.length === 0) throw new ClusterError(`the age key file ${path} (--age-key-file) holds no AGE-SECRET-KEY-1… line; nothing is applied until it is fixed`);
    return identities;
  };
}

/** Every source given, tried together: an identity from any of them may open a file. */
export function combinedIdentities(sources: readonly AgeIdentities[]): AgeIdentities | undefined {
  if (sources.length === 0) return undefined;
  return async () => (await Promise.all(sources.map((s) => s()))).flat();
}
