// A revision holding an encrypted Secret as synth renders it, for the agent's tests.
import { stringify } from 'yaml';
import type { Revision } from '../../agent/types.ts';
import { SOPS_ANNOTATION, SOPS_FILE_ANNOTATION } from '../../core/sops/names.ts';
import { ownerLabels } from '../../core/owner-labels.ts';

/** A revision holding the rendered form of an encrypted Secret shop/db, as synth writes it. */
export function encryptedRevision(sopsText: string, commit = 'c'.repeat(40)): Revision {
  const annotations = { [SOPS_FILE_ANNOTATION]: 'secrets/dev/shop/db.sops.yaml', [SOPS_ANNOTATION]: sopsText };
  const object = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', labels: ownerLabels('db', 'dev'), annotations }, type: 'Opaque' };
  return { commit, env: 'dev', files: new Map([['db/shop/secret-db.yaml', stringify(object, { version: '1.1' })]]) };
}
