// publish signs the rendered commit with the key from GITOPS_SIGNING_KEY or --signing-key, as SSH
// (gpg.format=ssh) or OpenPGP: git verify-commit accepts it, and the key is on no command line
// (/proc/*/cmdline while publishing, and every command git ran, from GIT_TRACE) and in no output.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatHistory, history } from '../../compiler/publish-history.ts';
import { publish } from '../../compiler/publish.ts';
import { keyringWith, openpgpKey, removeKeys, sshKey, type TestKey } from '../helpers/keys.ts';
import { cleanUp, configMapApp, createBareRemote, createProject, git } from './fixtures.ts';

afterAll(() => { cleanUp(); removeKeys(); });

const gitopsBin = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin', 'gitops.js');
const quiet = { typecheck: false, onWarning: () => {} };

/** Every command line of every process, sampled every few ms until `stop()`. */
function watchCommandLines() {
  const seen = new Set<string>();
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try { seen.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')); } catch { /* gone */ }
    }
  };
  const timer = setInterval(sample, 2);
  return { stop: () => { clearInterval(timer); sample(); return [...seen]; } };
}

async function publishFromCli(dir: string, key: TestKey, via: 'env' | 'file') {
  const trace = join(dir, '..', `trace-${Date.now()}`);
  const env = { ...process.env, GIT_TRACE: trace, ...(via === 'env' ? { GITOPS_SIGNING_KEY: key.secret } : {}) };
  const args = [gitopsBin, 'publish', '--root', dir, '--no-typecheck', ...(via === 'file' ? ['--signing-key', key.secretFile] : [])];
  const lines = watchCommandLines();
  const run = await promisify(execFile)(process.execPath, args, { env, encoding: 'utf8' });
  return { output: run.stdout + run.stderr, commandLines: lines.stop(), trace: readFileSync(trace, 'utf8') };
}

describe('signed rendered commits', () => {
  it('signs with an SSH key from GITOPS_SIGNING_KEY; git verify-commit accepts it; the key is on no command line and in no output', async () => {
    const key = sshKey();
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const keyFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('gitops-key-'));
    const before = keyFolders();
    const run = await publishFromCli(project.dir, key, 'env');
    expect(keyFolders()).toEqual(before); // the key's temporary copy is gone
    expect(run.output).toMatch(/published [0-9a-f]{7} \(signed, ssh\)/);

    const allowed = join(project.dir, '..', `allowed-${Date.now()}`);
    writeFileSync(allowed, key.allowed);
    git(remote, '-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', 'rendered'); // throws when not verified
    expect(git(remote, '-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'log', '-1', '--format=%G? %GS', 'rendered')).toBe('G ci@example.com');
    expect(git(remote, 'log', '-1', '--format=%(trailers:key=Source-Commit,valueonly)', 'rendered')).toBe(git(project.dir, 'rev-parse', 'HEAD'));

    expect(run.trace).toMatch(/commit-tree -S/);
    expect(run.trace).toMatch(/ssh-keygen -Y sign/);
    for (const text of [run.output, run.trace, ...run.commandLines]) expect(text).not.toContain(key.telltale);
    expect(run.commandLines.some((l) => l.includes('gitops.js publish'))).toBe(true); // the sampler saw the publish
  });

  it('signs with an OpenPGP key from --signing-key; git verify-commit accepts it with only the public key', async () => {
    const key = openpgpKey();
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const run = await publishFromCli(project.dir, key, 'file');
    expect(run.output).toMatch(/published [0-9a-f]{7} \(signed, openpgp\)/);

    const env = { ...process.env, GNUPGHOME: keyringWith(key.allowed) }; // only the signer's public key
    const verify = await promisify(execFile)('git', ['verify-commit', '--raw', 'rendered'], { cwd: remote, env, encoding: 'utf8' });
    expect(verify.stderr).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);
    for (const text of [run.output, run.trace, ...run.commandLines]) expect(text).not.toContain(key.telltale);
    expect(run.trace).toMatch(/gpg --status-fd=2 -bsau [0-9A-F]{40}/);
  });

  it('refuses a key that is neither format, without showing it, and leaves no commit', async () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const secret = 'not-a-key-but-secret-7d1f';
    const refusal = await publish({ root: project.dir, ...quiet, env: { GITOPS_SIGNING_KEY: secret } }).catch((e: Error) => e);
    expect((refusal as Error).message).toMatch(/^the signing key is neither an OpenSSH private key/);
    expect(JSON.stringify(refusal)).not.toContain(secret);
    expect((refusal as Error).message).not.toContain(secret);
    expect(() => git(remote, 'rev-parse', '--verify', 'rendered')).toThrow();
  });

  it('publishes unsigned without a key', async () => {
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const result = await publish({ root: project.dir, ...quiet, env: {} });
    expect(result.signed).toBeUndefined();
    expect(git(remote, 'cat-file', 'commit', 'rendered')).not.toContain('gpgsig');
  });

  it('gitops history shows each commit\'s signature: good, unsigned, or by a key that is not allowed', async () => {
    const ci = sshKey('ci@example.com'), other = sshKey('other@example.com'), pgp = openpgpKey();
    const remote = createBareRemote();
    const project = createProject({ alpha: configMapApp('alpha', 'one') }, remote);
    const heads = [(await publish({ root: project.dir, ...quiet, env: { GITOPS_SIGNING_KEY: ci.secret } })).head];
    project.commit('two', { alpha: configMapApp('alpha', 'two') });
    heads.push((await publish({ root: project.dir, ...quiet, env: {} })).head);
    project.commit('three', { alpha: configMapApp('alpha', 'three') });
    heads.push((await publish({ root: project.dir, ...quiet, env: { GITOPS_SIGNING_KEY: other.secret } })).head);
    project.commit('four', { alpha: configMapApp('alpha', 'four') });
    heads.push((await publish({ root: project.dir, ...quiet, signingKey: pgp.secretFile, env: {} })).head);

    const allowedSigners = join(project.dir, '..', `allowed-${Date.now()}`);
    writeFileSync(allowedSigners, ci.allowed);
    const openpgpKeys = [join(project.dir, '..', `pgp-${Date.now()}.asc`)];
    writeFileSync(openpgpKeys[0]!, pgp.allowed);
    const entries = await history({ root: project.dir, allowedSigners, openpgpKeys });
    expect(entries.map((e) => [e.sha, e.signature.status, e.signature.signer])).toEqual([
      [heads[3], 'good', 'CI <ci@example.com>'], [heads[2], 'not-allowed', undefined], [heads[1], 'unsigned', undefined], [heads[0], 'good', 'ci@example.com'],
    ]);
    expect(entries[3]!.signature.key).toMatch(/^SHA256:/);
    expect(entries[0]!.signature.key).toBe(pgp.fingerprint.slice(-16));
    const lines = formatHistory(entries).split('\n');
    expect(lines[0]).toMatch(/^rendered +date +source +signature +subject$/);
    expect(lines[4]).toMatch(/  good SHA256:\S{12}… \(ci@example.com\) +initial apps$/);
  });
});
