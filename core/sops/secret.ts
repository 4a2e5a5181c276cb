// Kubernetes Secrets as SOPS files: where they live, how `gitops secret` writes them (only data and
// stringData encrypted, so name, namespace and type stay readable), what synth checks without a key,
// and how the rendered branch carries one (a Secret without data whose annotation holds the file).
import type { SopsFile, Tree, Node } from './file.ts';
import { plainValues } from './file.ts';
import { shouldEncrypt } from './tree.ts';

/** Only the values are encrypted: kind, name, namespace and type stay reviewable, and synth can check them. */
export const SECRET_RULES = { encryptedRegex: '^(data|stringData)$' } as const;

const SECRET_TYPES = new Set([
  'Opaque', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg', 'kubernetes.io/service-account-token', 'bootstrap.kubernetes.io/token',
]);
const KEY_NAME = /^[-._a-zA-Z0-9]+$/;

export interface SecretSpec { readonly name: string; readonly namespace: string; readonly type?: string; readonly values: ReadonlyMap<string, Buffer> }

/** The plaintext document of a Secret: UTF-8 values in stringData (readable in `gitops secret edit`), others base64 in data. */
export function secretDocument(spec: SecretSpec): Tree {
  const text = new Map<string, Node>(), binary = new Map<string, Node>();
  for (const [key, bytes] of [...spec.values].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const utf8 = bytes.toString('utf8');
    if (Buffer.from(utf8, 'utf8').equals(bytes)) text.set(key, utf8); else binary.set(key, bytes.toString('base64'));
  }
  const doc: Tree = new Map<string, Node>([['apiVersion', 'v1'], ['kind', 'Secret'],
    ['metadata', new Map<string, Node>([['name', spec.name], ['namespace', spec.namespace]])], ['type', spec.type ?? 'Opaque']]);
  if (binary.size) doc.set('data', binary);
  if (text.size) doc.set('stringData', text);
  return doc;
}

/** The names of a Secret file's keys (data and stringData), which stay in clear. */
export function secretKeys(doc: Tree): string[] {
  return ['data', 'stringData'].flatMap((field) => { const m = doc.get(field); return m instanceof Map ? [...m.keys()] : []; }).sort();
}

export interface ExpectedSecret { readonly name: string; readonly namespace: string; readonly recipients: readonly string[] }

/** What is wrong with a Secret's SOPS file, checked without decrypting (synth). */
export function secretEnvelopeProblems(file: SopsFile, expected: ExpectedSecret): string[] {
  const { doc, metadata } = file;
  const problems: string[] = [];
  const meta = doc.get('metadata');
  const field = (key: string) => (meta instanceof Map ? meta.get(key) : undefined);
  if (doc.get('apiVersion') !== 'v1' || doc.get('kind') !== 'Secret') problems.push('is not a v1 Secret (apiVersion: v1, kind: Secret)');
  if (field('name') !== expected.name || field('namespace') !== expected.namespace) {
    problems.push(`holds Secret ${String(field('namespace'))}/${String(field('name'))}, not ${expected.namespace}/${expected.name}`);
  }
  const type = doc.get('type') ?? 'Opaque';
  if (typeof type !== 'string' || !SECRET_TYPES.has(type)) problems.push(`has type ${JSON.stringify(type)}, not a Secret type Kubernetes knows`);
  const keys = secretKeys(doc);
  if (keys.length === 0) problems.push('has no keys under data or stringData');
  const badKeys = keys.filter((k) => !KEY_NAME.test(k));
  if (badKeys.length) problems.push(`has key names Kubernetes refuses: ${badKeys.join(', ')} (letters, digits, '-', '_', '.')`);
  const plain = [...plainValues(file), ...valuesLeftInClear(file)].filter((p) => /^(data|stringData)\./.test(p));
  if (plain.length) problems.push(`has values in clear: ${plain.join(', ')}; encrypt it with gitops secret (or sops --encrypted-regex '^(data|stringData)$')`);
  const have = [...new Set(metadata.age.map((s) => s.recipient))].sort(), want = [...new Set(expected.recipients)].sort();
  if (have.join() !== want.join()) {
    problems.push(`is encrypted for ${have.join(', ') || 'nobody'}, but the environment's recipients are ${want.join(', ') || 'none'}; run gitops secret rotate`);
  }
  return problems;
}

/** The values under data and stringData that the file's own rules leave unencrypted. */
function valuesLeftInClear(file: SopsFile): string[] {
  return ['data', 'stringData'].flatMap((field) => {
    const map = file.doc.get(field);
    return map instanceof Map ? [...map.keys()].filter((k) => !shouldEncrypt([field, k], file.metadata)).map((k) => `${field}.${k}`) : [];
  });
}

/** A plaintext YAML tree as plain JSON values (for the object the agent applies). */
export function toPlain(node: Node): unknown {
  if (node instanceof Map) return Object.fromEntries([...node].map(([k, v]) => [k, toPlain(v)]));
  if (Array.isArray(node)) return node.map(toPlain);
  return node;
}
