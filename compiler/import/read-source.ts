// Reads the documents of an import source: files and folders (YAML or JSON, folders walked in name
// order), a URL, a Go module fetched into the Go module cache with `go mod download`. Bounded: at
// most MAX_BYTES read in all, documents parsed within depth and alias limits.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readDocuments } from '../../core/parse-yaml.ts';
import { UserInputError } from '../../core/errors.ts';
import type { SourceDocument } from './crd.ts';
import { sourceName, type ImportSource } from './source.ts';

/** What one import reads at most (prometheus-operator's CRDs: about 4 MiB). */
const MAX_BYTES = 64 * 1024 * 1024;
const LIMITS = { yamlDepth: 512, yamlAliases: 1000, fileBytes: MAX_BYTES };
const URL_TIMEOUT_MS = 60_000;
const GO_TIMEOUT_MS = 10 * 60_000;

export async function readSource(source: ImportSource): Promise<SourceDocument[]> {
  const name = sourceName(source);
  switch (source.kind) {
    case 'path': return readPath(source.path, name, source.path);
    case 'url': return parse(await fetchText(source.url, name), name, name);
    case 'gomod': {
      const dir = await downloadModule(source.module, source.version, name);
      return readPath(join(dir, source.path), name, `gomod:${source.module}@${source.version}`, dir);
    }
  }
}

/** A file, or the .yaml, .yml and .json files under a folder; each document named `<label>/<file>#<n>`. */
function readPath(path: string, name: string, label: string, base = path): SourceDocument[] {
  if (!existsSync(path)) throw new UserInputError('no such file or folder', { file: name, hint: 'Give the path of a CRD file or of a folder of them.' });
  const files = statSync(path).isDirectory() ? filesUnder(path) : [path];
  let bytes = 0;
  return files.flatMap((file) => {
    bytes += statSync(file).size;
    if (bytes > MAX_BYTES) throw new UserInputError(`holds more than ${MAX_BYTES / 1024 / 1024} MiB of files`, { file: name, hint: 'Import a narrower folder.' });
    const where = file === base ? label : `${label}/${relative(base, file)}`;
    return parse(readFileSync(file, 'utf8'), name, where);
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ya?ml|json)$/i.test(entry.name) && statSync(path).isFile()) out.push(path);
  }
  return out;
}

function parse(text: string, source: string, where: string): SourceDocument[] {
  // JSON (kubectl get -o json, .json files) the fast way; the YAML reader is 10 times slower on it, but says the line of an error.
  if (/^\s*[{[]/.test(text)) {
    try {
      return [{ source, where, value: JSON.parse(text) as unknown }];
    } catch { /* read as YAML below, for the line of the error */ }
  }
  const values: Array<{ n: number; value: unknown }> = [];
  let n = 0;
  for (const doc of readDocuments(text, LIMITS)) {
    n++;
    if ('problem' in doc) throw new UserInputError(`line ${doc.line}: ${doc.problem}`, { file: where, hint: 'Import a file of YAML or JSON CRDs.' });
    if (doc.value !== null) values.push({ n, value: doc.value });
  }
  return values.map(({ n, value }) => ({ source, where: n === 1 && values.length === 1 ? where : `${where}#${n}`, value }));
}

async function fetchText(url: URL, name: string): Promise<string> {
  // A user and password in the URL go in a header: fetch refuses them in the URL, and messages never show them.
  const target = new URL(url.href);
  const headers: Record<string, string> = { accept: 'application/yaml, application/json, text/plain, */*' };
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
    target.username = target.password = '';
  }
  let response: Response;
  try {
    response = await fetch(target, { signal: AbortSignal.timeout(URL_TIMEOUT_MS), headers });
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `no answer in ${URL_TIMEOUT_MS / 1000} s` : (causeOf(error) ?? 'network error');
    throw new UserInputError(`cannot be fetched: ${why}`, { file: name, hint: 'Check the URL and your network, or download the file and import it.' });
  }
  if (!response.ok) throw new UserInputError(`cannot be fetched: HTTP ${response.status} ${response.statusText}`, { file: name, hint: 'Check the URL.' });
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new UserInputError(`is ${length} bytes, over ${MAX_BYTES}`, { file: name, hint: 'Import a smaller file.' });
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.length;
    if (bytes > MAX_BYTES) throw new UserInputError(`is over ${MAX_BYTES} bytes`, { file: name, hint: 'Import a smaller file.' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request failed, from undici's cause (a code like ECONNREFUSED, else its message, which holds no URL). */
function causeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
}

/** The module's folder in the Go module cache, downloaded (and checked against the checksum database) when not there yet. */
function downloadModule(module: string, version: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['mod', 'download', '-json', `${module}@${version}`];
    execFile('go', args, { cwd: tmpdir(), timeout: GO_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      let info: { Dir?: string; Error?: string } = {};
      try { info = JSON.parse(stdout) as typeof info; } catch { /* no JSON: the error says why */ }
      if (info.Dir && !error) return resolve(info.Dir);
      const code = (error as NodeJS.ErrnoException | null)?.code;
      const why = code === 'ENOENT' ? 'the go command is not on PATH' : (info.Error ?? (stderr.trim() || error?.message || 'go mod download failed')).split('\n')[0];
      reject(new UserInputError(`cannot be downloaded: ${why}`, {
        file: name,
        hint: code === 'ENOENT' ? 'Install Go (https://go.dev/dl) or import the CRD files from a folder.' : 'Check the module path and version (`go list -m -versions <module>` lists them).',
      }));
    });
  });
}
