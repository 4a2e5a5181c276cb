// The `sops` metadata of a SOPS file: the age stanzas (one armored age file of the data key per
// recipient), lastmodified, the encrypted MAC and the rules that say which values are encrypted.
import type { EncryptionRules, Node, Tree } from './tree.ts';

export interface AgeStanza { readonly recipient: string; readonly enc: string }

export interface SopsMetadata extends EncryptionRules {
  readonly age: readonly AgeStanza[];
  readonly lastmodified: string;
  readonly mac: string;
  readonly version: string;
}

/** The version we write: the format of sops 3.x, read by any sops since 3.7. */
export const SOPS_FORMAT_VERSION = '3.9.0';

const RULE_KEYS: Readonly<Record<string, keyof EncryptionRules>> = {
  encrypted_regex: 'encryptedRegex', unencrypted_regex: 'unencryptedRegex',
  encrypted_suffix: 'encryptedSuffix', unencrypted_suffix: 'unencryptedSuffix',
};
const OTHER_KEY_SOURCES = ['kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'pgp', 'key_groups'];

/** The metadata, or what is wrong with it (each problem names the field). */
export function readMetadata(doc: Tree): SopsMetadata | { problems: string[] } {
  const sops = doc.get('sops');
  if (!(sops instanceof Map)) return { problems: ['has no sops metadata (a top-level "sops:" map): it is not a SOPS-encrypted file'] };
  const problems: string[] = [];
  const text = (key: string) => { const v = sops.get(key); return typeof v === 'string' ? v : undefined; };
  const age = ageStanzas(sops.get('age'), problems);
  const others = OTHER_KEY_SOURCES.filter((k) => nonEmpty(sops.get(k)));
  if (others.length) problems.push(`uses ${others.join(', ')}: only age recipients are supported here`);
  const mac = text('mac');
  if (!mac) problems.push('has no sops.mac, so nothing proves its values were not changed');
  const lastmodified = text('lastmodified');
  if (!lastmodified) problems.push('has no sops.lastmodified');
  const rules: Record<string, string | boolean> = {};
  for (const [key, field] of Object.entries(RULE_KEYS)) if (text(key)) rules[field] = text(key)!;
  if (sops.get('mac_only_encrypted') === true) rules.macOnlyEncrypted = true;
  if (problems.length) return { problems };
  return { ...(rules as EncryptionRules), age, mac: mac!, lastmodified: lastmodified!, version: text('version') ?? SOPS_FORMAT_VERSION };
}

function ageStanzas(value: Node | undefined, problems: string[]): AgeStanza[] {
  const list = Array.isArray(value) ? value : [];
  const stanzas = list.flatMap((s) => {
    const recipient = s instanceof Map ? s.get('recipient') : undefined, enc = s instanceof Map ? s.get('enc') : undefined;
    return typeof recipient === 'string' && typeof enc === 'string' ? [{ recipient, enc }] : [];
  });
  if (stanzas.length === 0) problems.push('has no age recipient (sops.age), so no agent can decrypt it');
  else if (stanzas.length !== list.length) problems.push('has a sops.age entry without recipient and enc');
  return stanzas;
}

function nonEmpty(value: Node | undefined): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '';
}

/** The `sops` map as sops writes it. */
export function metadataNode(m: SopsMetadata): Tree {
  const node: Tree = new Map<string, Node>([['age', m.age.map((s) => new Map<string, Node>([['recipient', s.recipient], ['enc', s.enc]]))]]);
  node.set('lastmodified', m.lastmodified);
  node.set('mac', m.mac);
  for (const [key, field] of Object.entries(RULE_KEYS)) if (m[field]) node.set(key, m[field] as string);
  if (m.macOnlyEncrypted) node.set('mac_only_encrypted', true);
  node.set('version', m.version);
  return node;
}
