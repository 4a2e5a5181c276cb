// One SOPS value: AES-256-GCM with a 32-byte nonce, the value's key path ("data:password:") as additional
// data, written as ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] (the format of getsops/sops, written from its docs).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A leaf of a SOPS tree: what YAML gives for a scalar. */
export type Leaf = string | number | boolean;

const ENCRYPTED = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:([^\]]*)\]$/;
const NONCE_BYTES = 32;
const TAG_BYTES = 16;

export function isEncryptedValue(value: unknown): boolean {
  return typeof value === 'string' && ENCRYPTED.test(value);
}

/** The bytes SOPS hashes into the MAC and encrypts for a leaf (booleans as True/False, as sops writes them). */
export function leafBytes(value: Leaf): Buffer {
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False');
  return Buffer.from(String(value), 'utf8');
}

function leafType(value: Leaf): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'str';
}

export function encryptValue(value: Leaf, key: Buffer, additionalData: string): string {
  if (value === '') return ''; // sops leaves empty strings as they are
  const iv = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(leafBytes(value)), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${leafType(value)}]`;
}

/** The plaintext of an ENC[…] value; throws a plain Error (the caller names the file) when it is not one or does not open. */
export function decryptValue(text: string, key: Buffer, additionalData: string): Leaf {
  if (text === '') return '';
  const m = ENCRYPTED.exec(text);
  if (!m) throw new Error('is not an ENC[AES256_GCM,…] value');
  const [data, iv, tag] = [m[1]!, m[2]!, m[3]!].map((s) => Buffer.from(s, 'base64'));
  if (iv!.length !== NONCE_BYTES || tag!.length !== TAG_BYTES) throw new Error('has a malformed nonce or tag');
  const decipher = createDecipheriv('aes-256-gcm', key, iv!, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(tag!);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data!), decipher.final()]);
  } catch {
    throw new Error('does not decrypt with the file\'s data key (tampered, or moved from another key)');
  }
  return typed(plain.toString('utf8'), m[4]!);
}

function typed(text: string, type: string): Leaf {
  switch (type) {
    case 'str': case 'bytes': return text;
    case 'int': case 'int64': case 'float': return Number(text);
    case 'bool': return text.toLowerCase() === 'true';
    default: throw new Error(`has type ${JSON.stringify(type)}, which a Secret cannot hold`);
  }
}
