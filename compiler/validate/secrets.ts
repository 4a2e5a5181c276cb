// Rule 'secret-data': Secrets whose values would sit in plain text on the rendered branch.
import type { Diagnostic } from '../types.ts';
import type { EnvContext } from './context.ts';
import { diagnose } from './diagnostic.ts';
import { record } from './json.ts';

export function checkSecrets(ctx: EnvContext): Diagnostic[] {
  if (ctx.env.allowSecretData) return [];
  const out: Diagnostic[] = [];
  for (const o of ctx.objects) {
    if (o.ref.group !== '' || o.ref.kind !== 'Secret') continue;
    const keys = ['data', 'stringData'].flatMap((field) => Object.keys(record(o.object[field]) ?? {}).map((k) => `${field}.${k}`));
    if (keys.length === 0) continue;
    out.push(diagnose(o, {
      rule: 'secret-data',
      message: `Secret carries data (${keys.join(', ')}) that would be committed in plain text`,
      hint: `Create the Secret outside git (an ExternalSecret or SealedSecret) and declare '${o.ref.namespace}/${o.ref.name}' ` +
        `in external.secrets in gitops.config.ts, or set environments.${ctx.env.name}.allowSecretData: true.`,
    }));
  }
  return out;
}
