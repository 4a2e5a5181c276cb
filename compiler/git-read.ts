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
  const texts = await catFileBatch(repoDir, entries.map((e) => e.sha));
  entries.forEach((entry, i) => files.set(entry.path, texts[i]!));
  return files;
}

/**
 * The contents of the given blobs, in order, from one `git cat-file --batch`. Each blob becomes a string
 * as soon as it has arrived, so memory holds the texts and one chunk, not the whole output twice.
 */
function catFileBatch(repoDir: string, shas: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir });
    const texts: string[] = [];
    let stderr = '';
    let chunks: Buffer[] = [];
    let length = 0;
    let need = 0; // bytes needed before the next record can be complete
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      while (length >= need && length > 0) {
        const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
        chunks = [buffer];
        const headerEnd = buffer.indexOf(10); // '<sha> blob <size>\n<content>\n'
        if (headerEnd < 0) { need = length + 1; break; }
        const end = headerEnd + 1 + Number(buffer.subarray(0, headerEnd).toString().split(' ')[2]) + 1;
        if (length < end) { need = end; break; }
        texts.push(buffer.toString('utf8', headerEnd + 1, end - 1));
        const rest = buffer.subarray(end);
        chunks = rest.length > 0 ? [rest] : [];
        length = rest.length;
        need = 0;
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && texts.length === shas.length ? resolve(texts) : reject(new Error(`git cat-file failed: ${stderr || `${texts.length} of ${shas.length} blobs read`}`))));
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}
