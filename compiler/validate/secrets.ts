// Rule 'secret-data': Secrets whose values would sit in plain text on the rendered branch.
import type { ResolvedEnvironment } from '../../core/config.ts';
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { diagnose } from './diagnostic.ts';
import { record } from './json.ts';

export function checkSecretData(o: SynthObject, env: ResolvedEnvironment): Diagnostic[] {
  if (env.allowSecretData || o.ref.group !== '' || o.ref.kind !== 'Secret') return [];
  const keys = ['data', 'stringData'].flatMap((field) => Object.keys(record(o.object[field]) ?? {}).map((k) => `${field}.${k}`));
  if (keys.length === 0) return [];
  return [diagnose(o, {
    rule: 'secret-data',
    message: `Secret carries data (${keys.join(', ')}) that would be committed in plain text`,
    hint: `Create the Secret outside git (an ExternalSecret or SealedSecret) and declare '${o.ref.namespace}/${o.ref.name}' ` +
      `in external.secrets in gitops.config.ts, or set environments.${env.name}.allowSecretData: true.`,
  })];
}
