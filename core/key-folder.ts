// An owner-only temporary folder for key material (a private SSH key, allowed signers, a GNUPGHOME of
// its own), removed by close(). Keys go to files and to gpg's stdin, never to a command line.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from './errors.ts';

export interface KeyFolder {
  readonly dir: string;
  /** Writes an owner-only file in the folder; returns its path. */
  write(name: string, content: string): string;
  /** The GNUPGHOME of this folder (made on first use), for gpg and for git's calls of gpg. */
  gnupgHome(): string;
  /** Runs gpg with this folder's GNUPGHOME, `input` on its stdin; resolves to stdout, throws with gpg's stderr. */
  gpg(args: readonly string[], input?: string): Promise<string>;
  /** Stops the gpg-agent it may have started and removes the folder. */
  close(): Promise<void>;
}

export function openKeyFolder(): KeyFolder {
  // A short path: gpg-agent's socket lives under GNUPGHOME, and a socket path may not exceed ~100 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'gitops-key-'));
  let home: string | undefined;
  const folder: KeyFolder = {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    },
    gnupgHome() {
      if (!home) {
        home = join(dir, 'gnupg');
        mkdirSync(home, { mode: 0o700 });
      }
      return home;
    },
    gpg: (args, input) => runGpg(folder.gnupgHome(), args, input),
    async close() {
      if (home) await runGpg(home, [], undefined, 'gpgconf', ['--kill', 'gpg-agent']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return folder;
}

function runGpg(home: string, args: readonly string[], input?: string, program = 'gpg', fixed: readonly string[] = ['--batch', '--no-tty']): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...fixed, ...args], { env: { ...process.env, GNUPGHOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (error) => reject(new UserInputError(`cannot run ${program}: ${error.message}`, { hint: 'Install GnuPG (Debian: apt-get install gnupg) for OpenPGP keys.' })));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr.trim() || `${program} exited with ${code}`))));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The fingerprints of the keys (secret: the secret keys) in the folder's GNUPGHOME, from gpg's machine-readable listing. */
export async function fingerprints(folder: KeyFolder, secret: boolean): Promise<string[]> {
  const listing = await folder.gpg(['--with-colons', secret ? '--list-secret-keys' : '--list-keys']);
  const lines = listing.split('\n');
  // The fpr line right after each primary key (pub/sec) is the primary key's fingerprint.
  return lines.flatMap((line, i) => (/^(pub|sec):/.test(line) && lines[i + 1]?.startsWith('fpr:') ? [lines[i + 1]!.split(':')[9]!] : []));
}
