// A token file that its writer replaces while we run (the kubelet's projected ServiceAccount token, rotated
// well before it expires): read again as soon as the file changes, at least every minute (as client-go
// does), and at once when the server refused the one we sent (a revoked token).
import { readFileSync, statSync } from 'node:fs';
import { UserInputError } from '../core/errors.ts';

export interface TokenFile {
  /** The token as the file holds it now. */
  value(): string;
  /** Forget the token read: the next value() reads the file again. */
  invalidate(): void;
}

const REREAD_MS = 60_000;
const MOUNT_HINT = 'mount the ServiceAccount token (automountServiceAccountToken or a projected volume), or pass --kubeconfig';

export function tokenFile(path: string, now: () => number = Date.now): TokenFile {
  let token = '';
  let seen = '';
  let readAt = -Infinity;
  return {
    value() {
      const stamp = fingerprint(path);
      if (stamp !== seen || now() - readAt >= REREAD_MS) {
        token = readToken(path);
        seen = stamp;
        readAt = now();
      }
      return token;
    },
    invalidate() { seen = ''; },
  };
}

/** What changes when the file is replaced (the kubelet swaps a symlink; a test renames a new file over it). */
function fingerprint(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return ''; // read it, and fail there with the file named
  }
}

function readToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new UserInputError(`cannot read the service account token: ${(error as Error).message}`, { file: path, hint: MOUNT_HINT });
  }
  if (!text) throw new UserInputError('the service account token file is empty', { file: path, hint: MOUNT_HINT });
  return text;
}
