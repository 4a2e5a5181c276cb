// The plain Secret a rendered encrypted Secret stands for, opened in memory (decrypt.ts loads this
// module only when a revision holds one). Throws SopsError naming what is wrong.
import { decryptSops, readSopsFile, SopsError } from '../core/sops/file.ts';
import { SOPS_ANNOTATION } from '../core/sops/names.ts';
import { toPlain } from '../core/sops/secret.ts';
import type { K8sObject } from './types.ts';

/** The Secret to apply: the rendered object's metadata (owner labels and all), with the file's type and values. */
export async function plainSecret(rendered: K8sObject, identities: readonly string[]): Promise<K8sObject> {
  const file = readSopsFile(rendered.metadata.annotations![SOPS_ANNOTATION]!);
  const inner = toPlain(await decryptSops(file, identities)) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; type?: unknown; data?: unknown; stringData?: unknown };
  // The file's own name and namespace are covered by its MAC: a branch that moves it elsewhere is refused.
  if (inner.kind !== 'Secret' || inner.metadata?.name !== rendered.metadata.name || inner.metadata?.namespace !== rendered.metadata.namespace) {
    throw new SopsError(`holds Secret ${String(inner.metadata?.namespace)}/${String(inner.metadata?.name)}, not the one it is rendered as`);
  }
  const { [SOPS_ANNOTATION]: _file, ...annotations } = rendered.metadata.annotations!;
  return {
    ...rendered,
    metadata: { ...rendered.metadata, annotations },
    ...(inner.type !== undefined ? { type: inner.type } : {}),
    data: secretData(inner.data, inner.stringData),
  };
}

/**
 * All values as `data` (base64), stringData winning as in Kubernetes: the API server never returns
 * stringData, so applying it would look like drift forever.
 */
function secretData(data: unknown, stringData: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) out[k] = String(v);
  for (const [k, v] of Object.entries((stringData ?? {}) as Record<string, unknown>)) out[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return out;
}
