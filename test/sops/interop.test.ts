// Interop with the real sops (built from its Go module into the cache by test/helpers/go-tool.ts):
// files we write decrypt with sops, files sops writes decrypt here, and each side refuses the other's tampered file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decryptSops, encryptSops, readSopsFile } from '../../core/sops/file.ts';
import { SECRET_RULES, secretDocument, secretEnvelopeProblems, toPlain } from '../../core/sops/secret.ts';
import { ensureGoTool, sops as sopsTool } from '../helpers/go-tool.ts';
import { secretDecryptor } from '../../agent/decrypt.ts';
import { desiredSet } from '../../agent/desired.ts';
import { encryptedRevision } from './rendered.ts';
import { ageKey, type AgeKey } from './helpers.ts';

let sops = '';
let dir = '';
let key: AgeKey;
// A cold build of sops takes minutes on 2 cores; later runs reuse the cache.
beforeAll(async () => { sops = await ensureGoTool(sopsTool); dir = mkdtempSync(join(tmpdir(), 'sops-interop-')); key = await ageKey(); }, 1_200_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN = 'interop-Pa55-in-clear';

/** Runs sops in a folder without a .sops.yaml, the identity in its environment (never on the command line). */
function runSops(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(sops, args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, SOPS_AGE_KEY: key.identity } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const sopsMade = async (): Promise<string> => {
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ntype: Opaque\ndata:\n  blob: ${Buffer.from('bin').toString('base64')}\nstringData:\n  password: ${PLAIN}\n  port: "5432"\n`;
  const run = await runSops(['encrypt', '--age', key.recipient, '--encrypted-regex', '^(data|stringData)$', '--input-type', 'yaml', '--output-type', 'yaml', file('plain.yaml', plain)]);
  expect(run.stderr).toBe('');
  return run.stdout;
};

describe('interop with the real sops', () => {
  it('sops decrypts a file we encrypted, and refuses it tampered', async () => {
    const ours = await encryptSops(secretDocument({ name: 'db', namespace: 'shop', values: new Map([['password', Buffer.from(PLAIN)]]) }), [key.recipient], SECRET_RULES);
    const run = await runSops(['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', file('ours.sops.yaml', ours)]);
    expect(run.stderr).toBe('');
    expect(parse(run.stdout).stringData.password).toBe(PLAIN);
    const tampered = await runSops(['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', file('ours-tampered.sops.yaml', ours.replace('name: db', 'name: dbx'))]);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toMatch(/MAC mismatch/);
  });

  it('we decrypt a file sops encrypted (data, stringData), check its envelope, and refuse it tampered', async () => {
    const theirs = await sopsMade();
    expect(theirs).not.toContain(PLAIN);
    const parsed = readSopsFile(theirs);
    expect(secretEnvelopeProblems(parsed, { name: 'db', namespace: 'shop', recipients: [key.recipient] })).toEqual([]);
    const plain = toPlain(await decryptSops(parsed, [key.identity])) as { data: Record<string, string>; stringData: Record<string, string> };
    expect(plain.stringData).toEqual({ password: PLAIN, port: '5432' });
    expect(plain.data.blob).toBe(Buffer.from('bin').toString('base64'));
    await expect(decryptSops(readSopsFile(theirs.replace('namespace: shop', 'namespace: other')), [key.identity])).rejects.toThrow(/fails its MAC check/);
  });

  it("the agent applies a file sops encrypted, rendered as synth renders it, and refuses it tampered", async () => {
    const theirs = await sopsMade();
    const [secret] = (await secretDecryptor(async () => [key.identity])(desiredSet(encryptedRevision(theirs)))).objects;
    expect(Buffer.from((secret!.object.data as Record<string, string>).password!, 'base64').toString('utf8')).toBe(PLAIN);
    const tampered = theirs.replace(/password: ENC\[AES256_GCM,data:([^,]+)/, (_, data: string) => `password: ENC[AES256_GCM,data:${data.startsWith('A') ? 'B' : 'A'}${data.slice(1)}`);
    await expect(secretDecryptor(async () => [key.identity])(desiredSet(encryptedRevision(tampered)))).rejects.toThrow(/stringData.password does not decrypt/);
  });
});
