// The data key of a SOPS file, wrapped for each age recipient as an armored age file (age-encryption).
import { armor, Decrypter, Encrypter } from 'age-encryption';
import type { AgeStanza } from './metadata.ts';

export async function wrapDataKey(dataKey: Buffer, recipients: readonly string[]): Promise<AgeStanza[]> {
  return Promise.all(recipients.map(async (recipient) => {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    return { recipient, enc: armor.encode(await encrypter.encrypt(dataKey)) };
  }));
}

/** The data key from the first stanza one of the identities opens, or undefined when none does. */
export async function unwrapDataKey(stanzas: readonly AgeStanza[], identities: readonly string[]): Promise<Buffer | undefined> {
  if (identities.length === 0) return undefined;
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  for (const stanza of stanzas) {
    try {
      return Buffer.from(await decrypter.decrypt(armor.decode(stanza.enc)));
    } catch { /* not for our identities: try the next stanza */ }
  }
  return undefined;
}
