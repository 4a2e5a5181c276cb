// What `gitops secret` does to the files under secrets/<env>/: create, rotate, show, and the
// decrypt/re-encrypt around an edit. Recipients come from environments.<env>.secretRecipients; the
// team's identity (for rotate and edit) from --age-key-file, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or sops's default file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ResolvedConfig } from '../../core/config.ts';
import { UserInputError } from '../../core/errors.ts';
import { parseIdentities } from '../../core/sops/identity-text.ts';
import { decryptSops, encryptSops, readSopsFile, SopsError, type Tree } from '../../core/sops/file.ts';
import { secretFilePath } from '../../core/sops/names.ts';
import { SECRET_RULES, secretDocument, secretEnvelopeProblems, secretKeys } from '../../core/sops/secret.ts';

export interface SecretTarget { readonly root: string; readonly config: ResolvedConfig; readonly env: string; readonly namespace: string; readonly name: string }

/** 'namespace/name' of the command line. */
export function parseSecretRef(value: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value);
  if (!m) throw new UserInputError(`${JSON.stringify(value)} is not <namespace>/<name>`, { hint: 'Give e.g. shop/db-credentials (lower-case DNS names).' });
  return { namespace: m[1]!, name: m[3]! };
}

export function secretPath(t: SecretTarget): string {
  return secretFilePath(t.env, t.namespace, t.name);
}

function recipients(t: SecretTarget): readonly string[] {
  const env = t.config.environments.find((e) => e.name === t.env);
  if (!env) throw new UserInputError(`environment '${t.env}' is not in gitops.config.ts`, { hint: `Use one of: ${t.config.environments.map((e) => e.name).join(', ')}.` });
  if (env.secretRecipients.length === 0) {
    throw new UserInputError(`environment '${t.env}' declares no secretRecipients`, { file: 'gitops.config.ts', hint: `Set environments.${t.env}.secretRecipients to the age public keys of its agent and team.` });
  }
  return env.secretRecipients;
}

/** Writes a new encrypted Secret; refuses to overwrite one (use edit or rotate). */
export async function createSecret(t: SecretTarget, values: ReadonlyMap<string, Buffer>, type?: string): Promise<string> {
  const path = secretPath(t), full = resolve(t.root, path);
  if (existsSync(full)) throw new UserInputError(`${path} exists already`, { file: path, hint: `Change it with gitops secret edit ${t.env} ${t.namespace}/${t.name}.` });
  if (values.size === 0) throw new UserInputError('a Secret needs at least one key', { hint: 'Pass --from-stdin key (the value on standard input) and/or --from-file key=path.' });
  const text = await encryptSops(secretDocument({ name: t.name, namespace: t.namespace, type, values }), recipients(t), SECRET_RULES);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return path;
}

/** The names of the file's keys, read without a key. */
export function showKeys(t: SecretTarget): string[] {
  return secretKeys(readTarget(t).doc);
}

/** The file's plaintext document, opened with the team's identity. */
export async function decryptTarget(t: SecretTarget, identityFile?: string): Promise<Tree> {
  try {
    return await decryptSops(readTarget(t), teamIdentities(identityFile));
  } catch (error) {
    if (error instanceof SopsError) throw new UserInputError(`${secretPath(t)} ${error.message}`, { file: secretPath(t) });
    throw error;
  }
}

/** Encrypts a plaintext document for the environment's current recipients (with a new data key) and writes it. */
export async function writeEncrypted(t: SecretTarget, plain: Tree): Promise<void> {
  const text = await encryptSops(plain, recipients(t), SECRET_RULES);
  const problems = secretEnvelopeProblems(readSopsFile(text), { name: t.name, namespace: t.namespace, recipients: recipients(t) });
  if (problems.length) throw new UserInputError(`the edited Secret ${problems.join('; ')}; ${secretPath(t)} is unchanged`, { file: secretPath(t) });
  writeFileSync(resolve(t.root, secretPath(t)), text);
}

export function readPlainYaml(text: string, what: string): Tree {
  try {
    const doc = parse(text, { mapAsMap: true, uniqueKeys: true }) as unknown;
    if (doc instanceof Map) return doc as Tree;
  } catch { /* reported below */ }
  throw new UserInputError(`${what} is not a YAML map; the encrypted file is unchanged`);
}

export const plainYaml = (plain: Tree) => stringify(plain, { lineWidth: 0 });

function readTarget(t: SecretTarget) {
  const path = secretPath(t), full = resolve(t.root, path);
  if (!existsSync(full)) throw new UserInputError(`${path} does not exist`, { file: path, hint: `Create it with gitops secret create ${t.env} ${t.namespace}/${t.name} --from-stdin key.` });
  try {
    return readSopsFile(readFileSync(full, 'utf8'));
  } catch (error) {
    if (error instanceof SopsError) throw new UserInputError(`${path} ${error.message}`, { file: path });
    throw error;
  }
}

/** The team's identities, where sops looks for them too; the key's text never reaches a command line. */
function teamIdentities(file?: string): string[] {
  const fromEnv = process.env.SOPS_AGE_KEY ? parseIdentities(process.env.SOPS_AGE_KEY) : [];
  const path = file ?? process.env.SOPS_AGE_KEY_FILE ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sops', 'age', 'keys.txt');
  const fromFile = existsSync(path) ? parseIdentities(readFileSync(path, 'utf8')) : [];
  const all = [...fromEnv, ...fromFile];
  if (all.length === 0) throw new UserInputError(`no age identity to decrypt with (looked in SOPS_AGE_KEY and ${path})`, { hint: 'Pass --age-key-file <file> or set SOPS_AGE_KEY_FILE.' });
  return all;
}
