// Walks a SOPS document (YAML read with maps kept in order): which leaves are encrypted (the
// encrypted_regex / unencrypted_suffix rules), and the MAC, a SHA-512 over every leaf's plaintext in order.
import { createHash } from 'node:crypto';
import { leafBytes, type Leaf } from './value-cipher.ts';

export type Tree = Map<string, Node>;
export type Node = Leaf | Tree | Node[] | null;

/** The metadata rules that decide which leaves are encrypted. */
export interface EncryptionRules {
  readonly encryptedRegex?: string;
  readonly unencryptedRegex?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedSuffix?: string;
  readonly macOnlyEncrypted?: boolean;
}

/** What sops puts first into a MAC over the encrypted values only (the sha256 of "sops"). */
const MAC_ONLY_ENCRYPTED_INIT = createHash('sha256').update('sops').digest();

export function shouldEncrypt(path: readonly string[], rules: EncryptionRules): boolean {
  let encrypted = true;
  const any = (test: (p: string) => boolean) => path.some(test);
  if (rules.unencryptedSuffix && any((p) => p.endsWith(rules.unencryptedSuffix!))) encrypted = false;
  if (rules.encryptedSuffix) encrypted = any((p) => p.endsWith(rules.encryptedSuffix!));
  if (rules.unencryptedRegex && any((p) => new RegExp(rules.unencryptedRegex!).test(p))) encrypted = false;
  if (rules.encryptedRegex) encrypted = any((p) => new RegExp(rules.encryptedRegex!).test(p));
  return encrypted;
}

/** Maps every leaf (not `null`) with its key path; lists keep their parent's path, as in sops. */
export function mapLeaves(node: Node, visit: (leaf: Leaf, path: readonly string[]) => Leaf, path: readonly string[] = []): Node {
  if (node === null) return null;
  if (node instanceof Map) return new Map([...node].map(([k, v]) => [k, mapLeaves(v, visit, [...path, k])]));
  if (Array.isArray(node)) return node.map((v) => mapLeaves(v, visit, path));
  return visit(node, path);
}

/** The MAC (uppercase hex of SHA-512) of a plaintext tree. */
export function treeMac(plain: Tree, rules: EncryptionRules): string {
  const hash = createHash('sha512');
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  mapLeaves(plain, (leaf, path) => {
    if (!rules.macOnlyEncrypted || shouldEncrypt(path, rules)) hash.update(leafBytes(leaf));
    return leaf;
  });
  return hash.digest('hex').toUpperCase();
}
