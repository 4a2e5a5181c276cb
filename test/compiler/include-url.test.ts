// Include of a URL pinned by sha256, through the real `gitops synth`: fetched from a loopback server once, then
// read from .gitops-cache/include/ by digest; a body with another digest, or too large, is refused naming the URL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { CONFIGMAP, includeApp } from './include-fixtures.ts';

let p: TestProject | undefined;
let server: Server | undefined;
let body = CONFIGMAP;
let requests = 0;
let base = '';

beforeEach(async () => {
  requests = 0;
  body = CONFIGMAP;
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/private.yaml' && req.headers.authorization === `Basic ${Buffer.from('user:s3cret').toString('base64')}`) { res.writeHead(200).end(body); return; }
    if (req.url !== '/manifests/config.yaml') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  p?.cleanup();
  await new Promise((resolve) => server?.close(resolve));
});

function synth(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'synth', '--root', root, '--no-typecheck', '--env', 'dev'], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Include of a pinned URL', () => {
  it('fetches the body once, checks its digest, and synthesizes from the cache afterwards', async () => {
    const url = `${base}/manifests/config.yaml`;
    p = makeProject({ 'apps/remote.ts': includeApp('remote', `{ url: '${url}', sha256: '${sha256(CONFIGMAP)}' }`) });
    const first = await synth(p.root);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(requests).toBe(1);
    expect(p.read('dist/dev/remote/shop/configmap-web-config.yaml')).toContain('greeting: hello');
    expect(JSON.parse(p.read('dist/dev.manifest.json')).objects[0].sourceFile).toBe(`${url}#0`);

    body = CONFIGMAP.replace('hello', 'changed on the server');
    p.remove('dist');
    p.remove('.gitops-cache/synth'); // the app runs again; the body comes from the cache by digest
    expect((await synth(p.root)).code).toBe(0);
    expect(requests).toBe(1);
    expect(p.read('dist/dev/remote/shop/configmap-web-config.yaml')).toContain('greeting: hello');
  });

  it('refuses a body whose sha256 differs, naming the URL and both digests, and writes nothing', async () => {
    const url = `${base}/manifests/config.yaml`;
    const pinned = sha256('what the author reviewed');
    p = makeProject({ 'apps/remote.ts': includeApp('remote', `{ url: '${url}', sha256: '${pinned}' }`) });
    const run = await synth(p.root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error include: env dev app remote');
    expect(run.stderr).toContain(`Include of ${url}: the body's sha256 is ${sha256(CONFIGMAP)}, but the Include pins ${pinned}`);
    expect(p.snapshot().size).toBe(0);
    expect(p.snapshot('.gitops-cache/include').size).toBe(0);
  });

  it('sends credentials in the URL as a Basic header, and never shows them', async () => {
    const port = (server!.address() as AddressInfo).port;
    p = makeProject({ 'apps/remote.ts': includeApp('remote', `{ url: 'http://user:s3cret@127.0.0.1:${port}/private.yaml', sha256: '${sha256(CONFIGMAP)}' }`) });
    expect((await synth(p.root)).code).toBe(0);
    expect(JSON.parse(p.read('dist/dev.manifest.json')).objects[0].sourceFile).toBe(`http://127.0.0.1:${port}/private.yaml#0`);
  });

  it('stops reading a body larger than maxBytes, and names an unreachable URL without its credentials', async () => {
    body = CONFIGMAP.repeat(100);
    p = makeProject({
      'apps/big.ts': includeApp('big', `{ url: '${base}/manifests/config.yaml', sha256: '${sha256(body)}', maxBytes: 1000 }`),
      'apps/gone.ts': includeApp('gone', `{ url: 'http://user:s3cret@127.0.0.1:${(server!.address() as AddressInfo).port}/missing.yaml', sha256: '${sha256('x')}' }`),
    });
    const run = await synth(p.root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('fetching failed: the body is larger than 1000 bytes');
    expect(run.stderr).toContain(`Include of http://127.0.0.1:${(server!.address() as AddressInfo).port}/missing.yaml: fetching failed: HTTP 404`);
    expect(run.stderr).not.toContain('s3cret');
  });
});
