// `gitops secret create|edit|rotate|show`: the encrypted Secrets of secrets/<env>/<namespace>/<name>.sops.yaml.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserInputError } from '../core/errors.ts';
import { withoutFinalNewline } from '../core/final-newline.ts';
import type { SecretTarget } from './sops/secret-files.ts';
type SecretFiles = typeof import('./sops/secret-files.ts');

// Loaded when a secret command runs, so other commands never pay for the crypto.
const files = () => import('./sops/secret-files.ts');

interface TargetFlags { root: string; ageKeyFile?: string }

export function registerSecretCommands(cli: Command): void {
  const secret = cli.command('secret').description('Secrets kept in git encrypted (SOPS, age) for one environment: secrets/<env>/<namespace>/<name>.sops.yaml');
  const common = (c: Command) => c.option('--root <dir>', 'project folder', process.cwd());
  const withKey = (c: Command) => common(c).option('--age-key-file <file>', 'age identity to decrypt with (default: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, ~/.config/sops/age/keys.txt)');
  const collect = (value: string, list: string[]) => [...list, value];

  common(secret.command('create <env> <namespace/name>'))
    .description("encrypt a new Secret for the environment's secretRecipients")
    .option('--from-stdin <key>', 'a key whose value is read from standard input (one trailing newline dropped)')
    .option('--from-file <key=path>', 'a key and the file holding its value (repeatable)', collect, [])
    .option('--from-literal <key=value>', 'a key and its value (repeatable); the value is then on the command line: for what is not secret', collect, [])
    .option('--type <type>', 'Secret type', 'Opaque')
    .action(async (env: string, ref: string, o: TargetFlags & ValueFlags & { type: string }) => {
      console.log(`wrote ${await (await files()).createSecret(await target(o, env, ref), secretValues(o), o.type)}`);
    });
  withKey(secret.command('edit <env> <namespace/name>'))
    .description('decrypt into a private temporary file, open $EDITOR, encrypt again; the temporary file is overwritten and removed')
    .action(async (env: string, ref: string, o: TargetFlags) => {
      const t = await target(o, env, ref);
      await editSecret(t, await (await files()).decryptTarget(t, o.ageKeyFile));
    });
  withKey(secret.command('rotate <env> <namespace/name>'))
    .description("encrypt again with a new data key for the environment's current secretRecipients")
    .action(async (env: string, ref: string, o: TargetFlags) => {
      const { decryptTarget, secretPath, writeEncrypted } = await files();
      const t = await target(o, env, ref);
      await writeEncrypted(t, await decryptTarget(t, o.ageKeyFile));
      console.log(`rotated ${secretPath(t)}`);
    });
  common(secret.command('show <env> <namespace/name>'))
    .description('the names of the keys (never the values), read without a key')
    .requiredOption('--keys', 'show the key names')
    .action(async (env: string, ref: string, o: TargetFlags) => { console.log((await files()).showKeys(await target(o, env, ref)).join('\n')); });
}

async function target(o: TargetFlags, env: string, ref: string): Promise<SecretTarget> {
  const root = resolve(o.root);
  const [{ loadConfig }, { parseSecretRef }] = await Promise.all([import('../core/load-config.ts'), files()]);
  return { root, config: await loadConfig(root), env, ...parseSecretRef(ref) };
}

interface ValueFlags { fromStdin?: string; fromLiteral: string[]; fromFile: string[] }

/** The new Secret's values by key; a literal one is warned of (naming its key, never its value). */
function secretValues(o: ValueFlags): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const l of o.fromLiteral) {
    const [k, v] = splitPair(l, '--from-literal');
    values.set(k, Buffer.from(v, 'utf8'));
    console.error(`warning: the value of '${k}' was given on the command line, where other users of this machine can read it and the shell keeps it in its history; for a secret value use --from-stdin ${k} or --from-file ${k}=<file>`);
  }
  for (const f of o.fromFile) { const [k, p] = splitPair(f, '--from-file'); values.set(k, readFileSync(resolve(p))); }
  if (o.fromStdin !== undefined) {
    if (process.stdin.isTTY) console.error(`the value of '${o.fromStdin}', then Enter and Ctrl-D:`);
    const value = withoutFinalNewline(readFileSync(0));
    if (value.length === 0) throw new UserInputError(`--from-stdin ${o.fromStdin}: standard input was empty`, { hint: `Pipe the value in, e.g. printf '%s' "$VALUE" | gitops secret create …, or type it when asked.` });
    values.set(o.fromStdin, value);
  }
  return values;
}

function splitPair(value: string, flag: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new UserInputError(`${flag} ${JSON.stringify(value.split('=')[0])}: expected key=value`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** The plaintext lives only in a folder of our own (0700) in a file only we can read (0600), and is overwritten before it is removed. */
async function editSecret(t: SecretTarget, plain: Awaited<ReturnType<SecretFiles['decryptTarget']>>): Promise<void> {
  const { plainYaml, readPlainYaml, secretPath, writeEncrypted } = await files();
  const dir = mkdtempSync(join(tmpdir(), 'gitops-secret-'));
  const file = join(dir, `${t.name}.yaml`);
  try {
    writeFileSync(file, plainYaml(plain), { mode: 0o600 });
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    // The editor may carry arguments ("code -w"); the file's name goes as $1, never into the command string.
    const run = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (run.status !== 0) throw new UserInputError(`the editor (${editor}) exited with ${run.status ?? run.signal}; ${secretPath(t)} is unchanged`);
    await writeEncrypted(t, readPlainYaml(readFileSync(file, 'utf8'), 'the edited Secret'));
    console.log(`encrypted ${secretPath(t)} again`);
  } finally {
    shred(file);
    rmSync(dir, { recursive: true, force: true });
  }
}

function shred(file: string): void {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size), 0, size, 0);
    closeSync(fd);
  } catch { /* gone already */ }
}
