// The allowed keys from a Kubernetes Secret (--verify-keys-secret, agent.verify.secret), read with the
// agent's own identity: key `allowed_signers` holds SSH allowed_signers entries, every key ending `.asc`
// an armored OpenPGP public key. Missing, unreadable or without a usable key: fail closed, naming it.
import type { KeyText, TrustedKeys } from '../core/trusted-keys.ts';
import type { KubeClient } from './kube.ts';
import type { NamedObject } from './named-object.ts';
import { readOwnObject, settingsError } from './settings.ts';

export interface SecretKeys {
  /** Changes whenever the Secret does (its uid and resourceVersion). */
  readonly version: string;
  readonly keys: TrustedKeys;
}

export const secretLabel = (at: NamedObject) => `the agent's keys Secret ${at.namespace}/${at.name}`;

export async function readKeysSecret(kube: KubeClient, at: NamedObject): Promise<SecretKeys> {
  const where = secretLabel(at);
  const create = `kubectl -n ${at.namespace} create secret generic ${at.name} --from-file=allowed_signers --from-file=ci.asc`;
  const secret = await readOwnObject(kube, 'Secret', at, where, {
    message: 'does not exist, so no commit can be verified',
    hint: `Create it (${create}), or point --verify-keys-secret (agent.verify.secret) at the right one.`,
  });
  const data = (secret.data ?? {}) as Record<string, string>;
  const text = (key: string): KeyText => ({ text: Buffer.from(data[key]!, 'base64').toString('utf8'), source: `key ${key} of ${where}`, subject: {} });
  const names = Object.keys(data).sort();
  const keys: TrustedKeys = {
    allowedSigners: names.filter((k) => k === 'allowed_signers').map(text).filter((k) => k.text.trim() !== ''),
    openpgpKeys: names.filter((k) => k.endsWith('.asc')).map(text),
  };
  if (keys.allowedSigners.length + keys.openpgpKeys.length === 0) {
    throw settingsError(where, `holds no usable key (keys: ${names.length ? names.join(', ') : 'none'}), so no commit can be verified`,
      `Put SSH allowed_signers entries under the key allowed_signers and/or armored OpenPGP public keys under keys ending .asc (${create}).`);
  }
  const meta = secret.metadata as { uid?: string; resourceVersion?: string };
  return { version: `${meta.uid}/${meta.resourceVersion}`, keys };
}
