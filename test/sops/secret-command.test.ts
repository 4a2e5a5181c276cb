// `gitops secret` and synth of an EncryptedSecret, as users run them: files at secrets/<env>/, checked
// without a key, rendered still encrypted.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptSops, readSopsFile } from '../../core/sops/file.ts';
import { toPlain } from '../../core/sops/secret.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { ageKey, gitops, secretApp, sopsConfig } from './helpers.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

const PLAIN = 'pa55-word-in-the-clear';

describe('gitops secret', () => {
  it('creates, shows key names, edits and rotates a Secret, never writing a value in clear', async () => {
    const [agent, team, newAgent] = [await ageKey(), await ageKey(), await ageKey()];
    p = makeProject({}, { config: sopsConfig({ dev: [agent.recipient, team.recipient] }) });
    const keyFile = join(p.root, '..', `${p.root.split('/').pop()}-team.agekey`);
    writeFileSync(keyFile, `# test key\n${team.identity}\n`, { mode: 0o600 });
    // The secret value comes on standard input (as `echo … |` sends it), so it is on no command line; a literal is warned of.
    const made = await gitops(['secret', 'create', 'dev', 'shop/db', '--from-stdin', 'password', '--from-literal', 'user=app', '--root', p.root], {}, `${PLAIN}\n`);
    expect(made.stderr).toContain("warning: the value of 'user' was given on the command line");
    expect(made.stderr).toContain('use --from-stdin user or --from-file user=<file>');
    expect(made.stderr).not.toContain('app');
    expect(made.stdout).toContain('wrote secrets/dev/shop/db.sops.yaml');
    const path = 'secrets/dev/shop/db.sops.yaml';
    expect(p.read(path)).not.toContain(PLAIN);
    expect((await gitops(['secret', 'show', 'dev', 'shop/db', '--keys', '--root', p.root])).stdout).toBe('password\nuser\n');

    // The editor appends a key; the temporary file it was given is gone afterwards.
    const editor = join(p.root, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\necho "$1" > "${p.root}/edited-path"\nsed -i 's/user: app/user: app\\n  extra: more/' "$1"\n`);
    chmodSync(editor, 0o755);
    const edit = await gitops(['secret', 'edit', 'dev', 'shop/db', '--age-key-file', keyFile, '--root', p.root], { EDITOR: editor });
    expect(edit.stderr).toBe('');
    expect((await gitops(['secret', 'show', 'dev', 'shop/db', '--keys', '--root', p.root])).stdout).toBe('extra\npassword\nuser\n');
    expect(() => readFileSync(p!.read('edited-path').trim())).toThrow(/ENOENT/);

    // Rotate to the environment's new recipients: the new agent opens it, the old one no longer does.
    p.write('gitops.config.ts', sopsConfig({ dev: [newAgent.recipient, team.recipient] }));
    expect((await gitops(['secret', 'rotate', 'dev', 'shop/db', '--root', p.root], { SOPS_AGE_KEY_FILE: keyFile })).stdout).toContain('rotated');
    const file = readSopsFile(p.read(path));
    const plain = toPlain(await decryptSops(file, [newAgent.identity])) as { stringData: Record<string, string> };
    expect(plain.stringData).toEqual({ extra: 'more', password: PLAIN, user: 'app' });
    await expect(decryptSops(file, [agent.identity])).rejects.toThrow(/none of the agent's/);
  });

  it('refuses an empty value on standard input (nothing was piped in), writing nothing', async () => {
    p = makeProject({}, { config: sopsConfig({ dev: [(await ageKey()).recipient] }) });
    const run = await gitops(['secret', 'create', 'dev', 'shop/db', '--from-stdin', 'password', '--root', p.root], {}, '\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--from-stdin password: standard input was empty');
    expect(existsSync(join(p.root, 'secrets/dev/shop/db.sops.yaml'))).toBe(false);
  });

  it("needs the environment's recipients", async () => {
    p = makeProject({}, { config: sopsConfig({ dev: [] }) });
    const run = await gitops(['secret', 'create', 'dev', 'shop/db', '--from-literal', 'a=b', '--root', p.root]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("environment 'dev' declares no secretRecipients");
  });
});

describe('synth of an EncryptedSecret', () => {
  it('renders the file still encrypted into a Secret without data, and refuses a bad one naming the file', async () => {
    const [dev, prod, stranger] = [await ageKey(), await ageKey(), await ageKey()];
    p = makeProject({ 'apps/db.ts': secretApp() }, { config: sopsConfig({ dev: [dev.recipient], prod: [prod.recipient] }) });
    for (const env of ['dev', 'prod']) expect((await gitops(['secret', 'create', env, 'shop/db', '--from-stdin', 'password', '--root', p.root], {}, `${PLAIN}-${env}`)).code).toBe(0);
    const ok = await gitops(['synth', '--root', p.root, '--no-typecheck']);
    expect(ok.stderr).toBe('');
    const rendered = p.snapshot();
    const dev1 = rendered.get('dev/db/shop/secret-db.yaml') ?? '';
    expect(dev1).toContain('typed-gitops.dev/sops-file: secrets/dev/shop/db.sops.yaml');
    expect(dev1).toContain('ENC[AES256_GCM');
    for (const text of rendered.values()) expect(text).not.toContain(PLAIN);

    // Encrypted for someone else than prod's recipients, and a value left in clear in dev.
    p.write('gitops.config.ts', sopsConfig({ dev: [dev.recipient], prod: [stranger.recipient] }));
    p.write('secrets/dev/shop/db.sops.yaml', p.read('secrets/dev/shop/db.sops.yaml').replace(/password: ENC\[[^\]]+\]/, 'password: oops'));
    const bad = await gitops(['synth', '--root', p.root, '--no-typecheck']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/secrets\/dev\/shop\/db\.sops\.yaml: has values in clear: stringData\.password/);
    expect(bad.stderr).toMatch(/secrets\/prod\/shop\/db\.sops\.yaml: is encrypted for age1.*but the environment's recipients are/);
    p.remove('secrets/prod/shop/db.sops.yaml');
    expect((await gitops(['synth', '--root', p.root, '--no-typecheck'])).stderr).toMatch(/secrets\/prod\/shop\/db\.sops\.yaml: does not exist/);
  });
});
