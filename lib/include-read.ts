// Where included manifests come from: project files and folders (read through readSynthInput, so the synth cache
// and watch mode see them change), or a URL pinned by sha256, fetched once into .gitops-cache/include/<sha256>.
// build() is synchronous, so a fetch runs in a child process; the URL goes to it on stdin, never on its command line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConstructInputError } from './input-error.ts';
import { fileListDigest, filesUnder, projectRoot, readSynthInput, recordSynthInput, sha256Of } from './synth-inputs.ts';

export interface ManifestText {
  /** repo-relative file, or the URL */
  readonly file: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** The manifest files at `path` (a file, or a folder read recursively in sorted order), each at most `maxBytes`. */
export function readProjectManifests(path: string, maxBytes: number): ManifestText[] {
  const root = projectRoot();
  const abs = resolve(root, path);
  const rel = relative(root, abs).split(sep).join('/');
  if (rel.startsWith('..') || rel === '') {
    throw new ConstructInputError(`Include path '${path}' is not inside the project`, 'include', 'Give a path relative to the project root (the folder of gitops.config.ts).');
  }
  if (!existsSync(abs)) throw new ConstructInputError(`Include path '${rel}' does not exist`, 'include', 'Check the path: it is relative to the project root.');
  const files = statSync(abs).isDirectory() ? manifestFilesUnder(abs, rel) : [rel];
  if (files.length === 0) throw new ConstructInputError(`Include folder '${rel}' holds no .yaml, .yml or .json file`, 'include', 'Add manifests to the folder, or remove the Include.');
  return files.map((file) => {
    const size = statSync(join(root, file)).size;
    if (size > maxBytes) throw new ConstructInputError(`${file} is ${size} bytes, more than the ${maxBytes} an Include reads`, 'include', 'Split the file, or raise maxBytes of the Include.', file);
    return { file, text: readSynthInput(file).toString('utf8') };
  });
}

/** The manifest files of the folder, repo-relative and sorted; records the folder's file list (a file added runs the app again). */
function manifestFilesUnder(abs: string, rel: string): string[] {
  const all = filesUnder(abs);
  recordSynthInput(`${rel}/`, fileListDigest(all));
  return all.filter((f) => MANIFEST.test(f)).map((f) => `${rel}/${f}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface PinnedUrl {
  readonly url: string;
  /** sha256 of the body, hex (optionally 'sha256:' first). */
  readonly sha256: string;
}

/** The body of a pinned URL: from the project's cache by digest, else fetched (at most `maxBytes`) and checked. */
export function readPinnedUrl(pin: PinnedUrl, maxBytes: number, timeoutMs: number): ManifestText {
  const shown = withoutCredentials(pin.url);
  const want = pin.sha256.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(want)) throw new ConstructInputError(`Include of ${shown}: sha256 '${pin.sha256}' is not 64 hex digits`, 'include', 'Pin the URL with the sha256 of its content, e.g. from `curl -sL <url> | sha256sum`.');
  if (!/^https?:\/\//i.test(pin.url)) throw new ConstructInputError(`Include of ${shown}: only http and https URLs can be included`, 'include', 'Download the file into the project and include its path instead.');
  const cached = join(projectRoot(), '.gitops-cache', 'include', want);
  if (existsSync(cached)) {
    const body = readFileSync(cached);
    if (sha256Of(body) === want) return { file: shown, text: body.toString('utf8') };
  }
  const body = fetchSync(pin.url, shown, maxBytes, timeoutMs);
  const got = sha256Of(body);
  if (got !== want) {
    throw new ConstructInputError(`Include of ${shown}: the body's sha256 is ${got}, but the Include pins ${want}`, 'include',
      'The content at the URL changed: check the new content, then pin the new digest (or pin a URL that does not move).');
  }
  mkdirSync(join(projectRoot(), '.gitops-cache', 'include'), { recursive: true });
  writeFileSync(`${cached}.${process.pid}`, body);
  renameSync(`${cached}.${process.pid}`, cached);
  return { file: shown, text: body.toString('utf8') };
}

// Runs in a child node: reads {url, maxBytes, timeoutMs} from stdin (credentials in the URL become a Basic header),
// writes the body to stdout; exit 2 with a reason otherwise.
const FETCH_SCRIPT = `
const { url, maxBytes, timeoutMs } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const fail = (m) => { process.stderr.write(m); process.exit(2); };
const target = new URL(url); const headers = {};
if (target.username || target.password) {
  headers.authorization = 'Basic ' + Buffer.from(decodeURIComponent(target.username) + ':' + decodeURIComponent(target.password)).toString('base64');
  target.username = ''; target.password = '';
}
fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs) }).then(async (res) => {
  if (!res.ok) fail('HTTP ' + res.status + ' ' + res.statusText);
  const chunks = []; let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > maxBytes) fail('the body is larger than ' + maxBytes + ' bytes');
    chunks.push(chunk);
  }
  process.stdout.write(Buffer.concat(chunks));
}, (e) => fail(String(e.cause?.message ?? e.message)));
`;

function fetchSync(url: string, shown: string, maxBytes: number, timeoutMs: number): Buffer {
  try {
    return execFileSync(process.execPath, ['-e', FETCH_SCRIPT], {
      input: JSON.stringify({ url, maxBytes, timeoutMs }),
      maxBuffer: maxBytes + 1,
      timeout: timeoutMs + 5000,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const reason = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() || (error as Error).message;
    throw new ConstructInputError(`Include of ${shown}: fetching failed: ${reason.replaceAll(url, shown)}`, 'include', 'Check that the URL is reachable from here; once fetched, it is kept in .gitops-cache/include/ by its digest.');
  }
}

function withoutCredentials(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed || (!parsed.username && !parsed.password)) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
