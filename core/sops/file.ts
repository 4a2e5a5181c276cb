// A whole SOPS file (YAML): encrypt a plaintext document for age recipients, check its envelope
// without a key, or verify its MAC and decrypt it in memory. Errors are SopsError with what is wrong;
// the callers add the file's name.
import { randomBytes } from 'node:crypto';
import { Document, parse, type Scalar } from 'yaml';
import { metadataNode, readMetadata, SOPS_FORMAT_VERSION, type SopsMetadata } from './metadata.ts';
import { mapLeaves, shouldEncrypt, treeMac, type EncryptionRules, type Node, type Tree } from './tree.ts';
import { decryptValue, encryptValue, isEncryptedValue } from './value-cipher.ts';

export class SopsError extends Error {}

export interface SopsFile { readonly doc: Tree; readonly metadata: SopsMetadata }

/** A SOPS file's document (without `sops`) and metadata; throws SopsError listing what is missing. */
export function readSopsFile(text: string): SopsFile {
  let doc: unknown;
  try {
    doc = parse(text, { mapAsMap: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    throw new SopsError(`is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!(doc instanceof Map) || [...doc.keys()].some((k) => typeof k !== 'string')) throw new SopsError('is not a YAML map with string keys');
  const metadata = readMetadata(doc as Tree);
  if ('problems' in metadata) throw new SopsError(metadata.problems.join('; '));
  const body = new Map(doc as Tree);
  body.delete('sops');
  return { doc: body, metadata };
}

/** The paths of leaves the rules want encrypted but that are plain (so a hand edit that left a value in clear shows). */
export function plainValues(file: SopsFile): string[] {
  const plain: string[] = [];
  mapLeaves(file.doc, (leaf, path) => {
    if (shouldEncrypt(path, file.metadata) && leaf !== '' && !isEncryptedValue(leaf)) plain.push(path.join('.'));
    return leaf;
  });
  return plain;
}

/** The file's text with every value the rules select encrypted for `recipients`, and a fresh data key and MAC. */
export async function encryptSops(plain: Tree, recipients: readonly string[], rules: EncryptionRules): Promise<string> {
  const dataKey = randomBytes(32);
  const lastmodified = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const encrypted = mapLeaves(plain, (leaf, path) => (shouldEncrypt(path, rules) ? encryptValue(leaf, dataKey, `${path.join(':')}:`) : leaf)) as Tree;
  const metadata: SopsMetadata = {
    ...rules, age: await (await ageKeys()).wrapDataKey(dataKey, recipients), lastmodified,
    mac: encryptValue(treeMac(plain, rules), dataKey, lastmodified), version: SOPS_FORMAT_VERSION,
  };
  const out = new Document(new Map<string, Node>([...encrypted, ['sops', metadataNode(metadata)]]));
  // Quoted as sops writes it: unquoted, go-yaml reads a timestamp, which sops refuses.
  (out.getIn(['sops', 'lastmodified'], true) as Scalar).type = 'QUOTE_DOUBLE';
  return out.toString({ lineWidth: 0 });
}

/** The plaintext document, after its MAC was checked; throws SopsError when no identity opens it or anything was changed. */
export async function decryptSops(file: SopsFile, identities: readonly string[]): Promise<Tree> {
  const { doc, metadata } = file;
  const dataKey = await (await ageKeys()).unwrapDataKey(metadata.age, identities);
  if (!dataKey) {
    throw new SopsError(`is encrypted for ${metadata.age.map((s) => s.recipient).join(', ')}, and none of the agent's ${identities.length} age identities opens it`);
  }
  const problems: string[] = [];
  const plain = mapLeaves(doc, (leaf, path) => {
    if (!shouldEncrypt(path, metadata) || typeof leaf !== 'string') return leaf;
    try { return decryptValue(leaf, dataKey, `${path.join(':')}:`); } catch (error) { problems.push(`${path.join('.')} ${(error as Error).message}`); return leaf; }
  }) as Tree;
  if (problems.length) throw new SopsError(`has values that do not decrypt: ${problems.join('; ')}`);
  let mac: unknown;
  try { mac = decryptValue(metadata.mac, dataKey, metadata.lastmodified); } catch { mac = undefined; }
  if (mac !== treeMac(plain, metadata)) throw new SopsError('fails its MAC check: a value was changed, added or removed since it was encrypted');
  return plain;
}

export { type Tree, type Node, type EncryptionRules } from './tree.ts';

/** age-encryption costs ~80 ms and 16 MB to load; synth only reads the files' metadata, so it is loaded when a key is used. */
const ageKeys = () => import('./age-keys.ts');
