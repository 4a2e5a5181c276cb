// Synth's step for EncryptedSecret: reads each one's SOPS file, checks its envelope without a key
// (SOPS metadata, every value encrypted, MAC present, the environment's recipients exactly, a Secret
// of that name, a known type, valid key names), and puts the file, still encrypted, into the rendered
// Secret's annotation for the agent. Read on every run, never cached: the file is not part of a bundle.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ResolvedConfig } from '../../core/config.ts';
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { readSopsFile, SopsError } from '../../core/sops/file.ts';
import { SOPS_ANNOTATION, SOPS_FILE_ANNOTATION, secretFilePath } from '../../core/sops/names.ts';
import { secretEnvelopeProblems } from '../../core/sops/secret.ts';
import { diagnose } from '../validate/diagnostic.ts';

/** A Secret's SOPS file may be no larger than a Secret may be. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface Embedded { readonly objects: SynthObject[]; readonly errors: Diagnostic[] }

export function embedEncryptedSecrets(objects: readonly SynthObject[], root: string, config: ResolvedConfig): Embedded {
  const errors: Diagnostic[] = [];
  const out = objects.map((o) => {
    const path = o.object.metadata.annotations?.[SOPS_FILE_ANNOTATION];
    if (path === undefined || o.ref.group !== '' || o.ref.kind !== 'Secret') return o;
    const file = path || secretFilePath(o.env, o.ref.namespace ?? '', o.ref.name);
    const found = readEncrypted(o, file, root, config);
    if ('problem' in found) { errors.push(found.problem); return o; }
    const annotations = { ...o.object.metadata.annotations, [SOPS_FILE_ANNOTATION]: file, [SOPS_ANNOTATION]: found.text };
    return { ...o, object: { ...o.object, type: found.type, metadata: { ...o.object.metadata, annotations } } };
  });
  return { objects: out, errors };
}

function readEncrypted(o: SynthObject, file: string, root: string, config: ResolvedConfig): { text: string; type: string } | { problem: Diagnostic } {
  const problem = (message: string, hint: string) => ({ problem: diagnose(o, { rule: 'encrypted-secret', message: `${file}: ${message}`, hint }) });
  const create = `gitops secret create ${o.env} ${o.ref.namespace}/${o.ref.name} --from-stdin key`;
  const full = resolve(root, file);
  const inside = relative(root, full);
  if (inside.startsWith('..') || isAbsolute(inside)) return problem('is outside the project', 'Keep encrypted Secrets under secrets/<env>/ in the repository.');
  if (!existsSync(full)) return problem('does not exist', `Create it: ${create}`);
  if (statSync(full).size > MAX_FILE_BYTES) return problem(`is larger than ${MAX_FILE_BYTES} bytes, more than a Secret may hold`, 'Split it into several Secrets.');
  const recipients = config.environments.find((e) => e.name === o.env)?.secretRecipients ?? [];
  if (recipients.length === 0) {
    return problem(`environment ${o.env} declares no secretRecipients`, `Set environments.${o.env}.secretRecipients in gitops.config.ts to the age public keys of its agent (and of the team).`);
  }
  const text = readFileSync(full, 'utf8');
  try {
    const sops = readSopsFile(text);
    const problems = secretEnvelopeProblems(sops, { name: o.ref.name, namespace: o.ref.namespace ?? '', recipients });
    if (problems.length) return problem(problems.join('; '), `Fix it with gitops secret edit/rotate ${o.env} ${o.ref.namespace}/${o.ref.name}.`);
    return { text, type: String(sops.doc.get('type') ?? 'Opaque') };
  } catch (error) {
    if (error instanceof SopsError) return problem(error.message, `Make it with: ${create}`);
    throw error;
  }
}
