// readTree against a real repository: every file of a commit (or of a folder of it), byte for byte,
// including blobs larger than a pipe chunk and text that is not ASCII.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree, resolveRef } from '../../compiler/git-read.ts';

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'git-read-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'files');
  return dir;
}

describe('readTree', () => {
  it('reads every file of a folder of a commit, large and small, exactly', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`prod/app-${i}/configmap-${i}.yaml`] = `kind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  greeting: "grüße ${i} ✓"\n`;
    files['prod/big/blob.yaml'] = `data: "${'x'.repeat(300_000)}ü"\n`;
    files['prod/empty.yaml'] = '';
    files['dev/other.yaml'] = 'kind: Other\n';
    const dir = repoWith(files);
    const tree = await readTree(dir, (await resolveRef(dir, 'main'))!, 'prod/');
    const expected = Object.entries(files).filter(([path]) => path.startsWith('prod/'));
    expect(tree.size).toBe(expected.length);
    for (const [path, text] of expected) expect(tree.get(path)).toBe(text);
  });
});
