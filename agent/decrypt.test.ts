import { generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { encryptSops } from '../core/sops/file.ts';
import { SOPS_FILE_ANNOTATION } from '../core/sops/names.ts';
import { SECRET_RULES, secretDocument } from '../core/sops/secret.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { desiredSet } from './desired.ts';
import { secretDecryptor } from './decrypt.ts';
import { encryptedRevision } from '../test/sops/rendered.ts';

describe('secretDecryptor', () => {
  it('applies the plain Secret with the rendered metadata, hashes the encrypted form, and reads the key once while nothing changes', async () => {
    const identity = await generateIdentity();
    const text = await encryptSops(secretDocument({ name: 'db', namespace: 'shop', values: new Map([['password', Buffer.from('s3cret')]]) }), [await identityToRecipient(identity)], SECRET_RULES);
    let reads = 0;
    const decrypt = secretDecryptor(async () => { reads++; return [identity]; });
    const set = desiredSet(encryptedRevision(text));
    const [first] = (await decrypt(set)).objects;
    expect(first!.object.data).toEqual({ password: Buffer.from('s3cret').toString('base64') });
    expect(first!.object.metadata.annotations).toEqual({ [SOPS_FILE_ANNOTATION]: 'secrets/dev/shop/db.sops.yaml' });
    expect(first!.object.metadata.labels).toEqual(ownerLabels('db', 'dev'));
    expect(first!.hash).toBe(set.objects[0]!.hash);
    await decrypt(desiredSet(encryptedRevision(text, 'd'.repeat(40))));
    expect(reads).toBe(1);
  });

  it('refuses the revision naming the rendered and the source file when no identity opens it, and asks for a key when it has none', async () => {
    const text = await encryptSops(secretDocument({ name: 'db', namespace: 'shop', values: new Map([['a', Buffer.from('b')]]) }), [await identityToRecipient(await generateIdentity())], SECRET_RULES);
    const other = await generateIdentity();
    await expect(secretDecryptor(async () => [other])(desiredSet(encryptedRevision(text))))
      .rejects.toThrow(/revision cccccccccccc of dev cannot be applied:\n {2}dev\/db\/shop\/secret-db\.yaml:1: Secret shop\/db \(from secrets\/dev\/shop\/db\.sops\.yaml\) is encrypted for age1/);
    await expect(secretDecryptor(undefined)(desiredSet(encryptedRevision(text)))).rejects.toThrow(/the agent has no age identity/);
  });
});
