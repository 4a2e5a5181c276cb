import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError } from '../core/errors.ts';
import { tokenFile } from './projected-token.ts';

/** Replaces the file in one step, as the kubelet does (a new file renamed over the old one). */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

describe('tokenFile', () => {
  it('reads the new token as soon as the file is replaced, not only every minute', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'token-')), 'token');
    writeFileSync(path, 'token-1\n');
    const token = tokenFile(path, () => 0); // the clock stands still: only the file's change makes it read again
    expect(token.value()).toBe('token-1');
    replace(path, 'token-2\n');
    expect(token.value()).toBe('token-2');
  });

  it('reads again every minute, and at once after invalidate (the server answered 401)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'token-')), 'token');
    writeFileSync(path, 'token-1');
    let now = 0;
    const token = tokenFile(path, () => now);
    expect(token.value()).toBe('token-1');
    const sameStamp = (text: string) => { rmSync(path); writeFileSync(path, text); }; // may keep inode, size and mtime
    sameStamp('token-2');
    now = 60_000;
    expect(token.value()).toBe('token-2');
    sameStamp('token-3');
    token.invalidate();
    expect(token.value()).toBe('token-3');
  });

  it('names the file when it is missing or empty', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'token-')), 'token');
    expect(() => tokenFile(path).value()).toThrow('cannot read the service account token');
    writeFileSync(path, '\n');
    try {
      tokenFile(path).value();
      expect.unreachable();
    } catch (error) {
      expect(formatError(error)).toMatch(new RegExp(`${path}: the service account token file is empty\\n  -> mount the ServiceAccount token`));
    }
  });
});
