// The example's encrypted Secrets are committed for keys nobody holds: a test that needs to decrypt
// them gives its copy of the example fresh test-only keys, one per environment, and files encrypted for them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { encryptSops, readSopsFile } from '../../core/sops/file.ts';
import { SECRET_RULES, secretDocument, secretKeys } from '../../core/sops/secret.ts';
import type { TestProject } from '../helpers/project.ts';
import { ageKey } from './helpers.ts';

/** Re-keys the project's secrets/<env>/ files (same names and keys, test values) and its secretRecipients; the identities by environment. */
export async function rekeyExampleSecrets(project: Pick<TestProject, 'root' | 'read' | 'write'>): Promise<Record<string, string>> {
  const identities: Record<string, string> = {};
  let config = project.read('gitops.config.ts');
  for (const env of readdirSync(join(project.root, 'secrets'))) {
    const key = await ageKey();
    identities[env] = key.identity;
    const files = readdirSync(join(project.root, 'secrets', env), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sops.yaml'));
    const committed = readSopsFile(project.read(`secrets/${env}/${files[0]}`)).metadata.age.map((s) => s.recipient);
    for (const recipient of committed) config = config.replace(recipient, key.recipient);
    for (const file of files) {
      const [namespace, name] = [file.split('/')[0]!, file.split('/')[1]!.replace(/\.sops\.yaml$/, '')];
      const values = new Map(secretKeys(readSopsFile(project.read(`secrets/${env}/${file}`)).doc).map((k) => [k, Buffer.from(`test-${k}`)]));
      project.write(`secrets/${env}/${file}`, await encryptSops(secretDocument({ name, namespace, values }), [key.recipient], SECRET_RULES));
    }
  }
  project.write('gitops.config.ts', config);
  return identities;
}
