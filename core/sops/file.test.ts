import { generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { decryptSops, encryptSops, readSopsFile, SopsError } from './file.ts';
import { SECRET_RULES, secretDocument, secretEnvelopeProblems, secretKeys, toPlain } from './secret.ts';

const keyPair = async () => { const identity = await generateIdentity(); return { identity, recipient: await identityToRecipient(identity) }; };
const values = new Map([['password', Buffer.from('hunter2-plain')], ['blob', Buffer.from([0xff, 0x00, 0x80])]]);
const doc = () => secretDocument({ name: 'db', namespace: 'shop', values });

describe('SOPS envelope', () => {
  it('encrypts only the values, for every recipient, and decrypts with any of their identities', async () => {
    const [agent, team] = [await keyPair(), await keyPair()];
    const text = await encryptSops(doc(), [agent.recipient, team.recipient], SECRET_RULES);
    expect(text).not.toContain('hunter2-plain');
    expect(text).toMatch(/password: ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]/);
    expect(text).toContain('name: db');
    const file = readSopsFile(text);
    expect(file.metadata.age.map((s) => s.recipient)).toEqual([agent.recipient, team.recipient]);
    expect(secretKeys(file.doc)).toEqual(['blob', 'password']);
    for (const who of [agent, team]) {
      const plain = toPlain(await decryptSops(file, [who.identity])) as { stringData: Record<string, string>; data: Record<string, string> };
      expect(plain.stringData.password).toBe('hunter2-plain');
      expect(Buffer.from(plain.data.blob!, 'base64')).toEqual(Buffer.from([0xff, 0x00, 0x80]));
    }
  });

  it('refuses a wrong key, a changed value and a changed clear field (the MAC covers them)', async () => {
    const [agent, stranger] = [await keyPair(), await keyPair()];
    const text = await encryptSops(doc(), [agent.recipient], SECRET_RULES);
    await expect(decryptSops(readSopsFile(text), [stranger.identity])).rejects.toThrow(/none of the agent's 1 age identities opens it/);
    const renamed = readSopsFile(text.replace('name: db', 'name: other'));
    await expect(decryptSops(renamed, [agent.identity])).rejects.toThrow(/fails its MAC check/);
    const file = readSopsFile(text);
    const swapped = text.replace(/password: (ENC\[[^\]]+\])/, `password: ${String((file.doc.get('data') as Map<string, string>).get('blob'))}`);
    await expect(decryptSops(readSopsFile(swapped), [agent.identity])).rejects.toThrow(SopsError);
  });

  it('checks the envelope without a key: metadata, values in clear, recipients, name', async () => {
    const [agent, team] = [await keyPair(), await keyPair()];
    const text = await encryptSops(doc(), [agent.recipient], SECRET_RULES);
    const expected = { name: 'db', namespace: 'shop', recipients: [agent.recipient] };
    expect(secretEnvelopeProblems(readSopsFile(text), expected)).toEqual([]);
    expect(secretEnvelopeProblems(readSopsFile(text), { ...expected, recipients: [agent.recipient, team.recipient] }).join())
      .toMatch(/but the environment's recipients are .*gitops secret rotate/);
    const clear = text.replace(/password: ENC\[[^\]]+\]/, 'password: hunter2');
    expect(secretEnvelopeProblems(readSopsFile(clear), expected).join()).toMatch(/values in clear: stringData.password/);
    expect(secretEnvelopeProblems(readSopsFile(text), { ...expected, name: 'web' }).join()).toMatch(/holds Secret shop\/db, not shop\/web/);
    expect(() => readSopsFile('apiVersion: v1\nkind: Secret\n')).toThrow(/has no sops metadata/);
    expect(() => readSopsFile(text.replace(/\n +mac: .*\n/, '\n'))).toThrow(/has no sops.mac/);
  });
});
