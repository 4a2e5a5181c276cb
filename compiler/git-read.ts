// Reads from git without touching the work tree: resolving refs and reading a whole tree's files.
import { spawn } from 'node:child_process';
import { simpleGit } from 'simple-git';

/** The commit a ref points at, or undefined when the ref does not exist. */
export async function resolveRef(repoDir: string, ref: string): Promise<string | undefined> {
  try {
    return (await simpleGit(repoDir).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Every file of `ref` (under `prefix`, if given) as path -> content, read in one `git cat-file --batch`. */
export async function readTree(repoDir: string, ref: string, prefix = ''): Promise<Map<string, string>> {
  const listing = await simpleGit(repoDir).raw(['ls-tree', '-r', '-z', '--full-tree', ref, ...(prefix ? ['--', prefix] : [])]);
  const entries = listing.split('\0').filter(Boolean).map((line) => {
    const [meta, path] = line.split('\t');
    return { sha: meta.split(' ')[2], path };
  });
  const files = new Map<string, string>();
  if (entries.length === 0) return files;
  const buffer = await catFileBatch(repoDir, entries.map((e) => e.sha));
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = buffer.indexOf(10, offset); // '<sha> blob <size>\n'
    const size = Number(buffer.subarray(offset, headerEnd).toString().split(' ')[2]);
    files.set(entry.path, buffer.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    offset = headerEnd + 1 + size + 1;
  }
  return files;
}

function catFileBatch(repoDir: string, shas: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git cat-file failed: ${stderr}`))));
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}
