// `gitops import` as users run it: a URL on loopback, and each bad source exits 1 with one clear line
// naming the source (no stack, no "internal error"), writing nothing.
import { afterAll, beforeAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeProject, REPO_ROOT, type TestProject } from '../helpers/project.ts';
import { EDGE_GROUP, edgeCrds } from '../import/edge-crds.ts';

let p: TestProject | undefined;
afterEach(() => p?.cleanup());

function gitops(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), 'import', '--root', p!.root, ...args], { cwd: p!.root, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let server: Server;
let base: string;
let closedPort: number;
beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  server = createServer((req, res) => {
    const authorized = req.headers.authorization === `Basic ${Buffer.from('user:secret').toString('base64')}`;
    if (req.url === '/crds.yaml' || (req.url === '/private/crds.yaml' && authorized)) res.end(edgeCrds().map((c) => stringify(c)).join('---\n'));
    else { res.statusCode = 404; res.end('not found'); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('gitops import (CLI)', () => {
  it('imports from a URL and prints what it wrote', async () => {
    p = makeProject();
    const run = await gitops([`${base}/crds.yaml`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`imports/${EDGE_GROUP}.ts: Widget (v1, v1beta1), WidgetSpec (v1)\n`);
    expect(p.read(`imports/${EDGE_GROUP}.ts`)).toContain('export class Widget ');
  });

  it('sends a user and password in the URL as basic auth and writes it nowhere', async () => {
    p = makeProject();
    const run = await gitops([`${base.replace('://', '://user:secret@')}/private/crds.yaml`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const schemas = JSON.parse(p.read(`imports/${EDGE_GROUP}.schemas.json`));
    expect(schemas.crds.map((c: { source: string }) => c.source)).toEqual([`${base}/private/crds.yaml`, `${base}/private/crds.yaml`]);
    expect(p.read(`imports/${EDGE_GROUP}.ts`) + run.stdout).not.toContain('secret');
  });

  const cases: Array<[string, () => string[], RegExp]> = [
    ['a file that is not a CRD', () => (p!.write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n'), ['cm.yaml']),
      /^cm\.yaml: holds no CustomResourceDefinition: cm\.yaml \(v1 ConfigMap\)\n  -> Import a file or folder of CRDs/],
    ['a CRD without a schema', () => {
      const crd = edgeCrds()[1]!;
      p!.write('bare.yaml', stringify({ ...crd, spec: { ...(crd.spec as object), versions: [{ name: 'v1', served: true, storage: true }] } }));
      return ['bare.yaml'];
    }, /^bare\.yaml: CustomResourceDefinition widgetspecs\.edge\.example\.com: version v1 has no schema \(spec\.versions\[\]\.schema\.openAPIV3Schema\)\n  -> /],
    ['a CRD whose name would break out of a comment', () => {
      const crd = edgeCrds()[1]!;
      p!.write('evil.yaml', stringify({ ...crd, metadata: { name: 'x */ process.exit(3); /*' } }));
      return ['evil.yaml'];
    }, /^evil\.yaml: CustomResourceDefinition x \*\/ process\.exit\(3\); \/\*: metadata\.name is not a DNS name\n/],
    ['a YAML file that does not parse', () => (p!.write('broken.yaml', 'a: [1,\n'), ['broken.yaml']), /^broken\.yaml: line \d+: .+\n  -> Import a file of YAML or JSON CRDs/],
    ['a missing file', () => ['nothing.yaml'], /^nothing\.yaml: no such file or folder\n/],
    ['a URL that answers 404', () => [`${base}/missing.yaml`], /^http:\/\/127\.0\.0\.1:\d+\/missing\.yaml: cannot be fetched: HTTP 404 Not Found\n/],
    ['an unreachable URL, without its password', () => [`http://user:secret@127.0.0.1:${closedPort}/crds.yaml`], /^http:\/\/127\.0\.0\.1:\d+\/crds\.yaml: cannot be fetched: ECONNREFUSED\n  -> Check the URL/],
    ['a module source without a version', () => ['gomod:sigs.k8s.io/gateway-api/config/crd'], /^gitops import: gomod:sigs\.k8s\.io\/gateway-api\/config\/crd: no @<version>\n  -> Write gomod:<module>@<version>/],
    ['a module path leaving the module', () => ['gomod:example.com/m@v1.0.0/../../etc'], /leaves the module/],
    ['an unsupported scheme', () => ['ftp://127.0.0.1/crds.yaml'], /^gitops import: ftp:\/\/127\.0\.0\.1\/crds\.yaml: only http\(s\) URLs, gomod: and paths can be imported/],
    ['no source at all', () => [], /^gitops import: nothing to import\n/],
    ['--group without --from-cluster', () => ['--group', 'x.example.com', 'crds.yaml'], /^gitops import: --group and --kubeconfig choose what --from-cluster reads\n/],
  ];
  it.each(cases)('%s: exit 1, naming it, nothing written', async (_, args, message) => {
    p = makeProject();
    const run = await gitops(args());
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error|secret|\n\s+at /);
    expect(run.code).toBe(1);
    expect(existsSync(join(p.root, 'imports'))).toBe(false);
  });

  it('a module that does not exist: the go command\'s reason, naming the module', async () => {
    p = makeProject();
    // An empty module proxy on disk: the go command answers "not found" without the network.
    const proxy = mkdtempSync(join(tmpdir(), 'empty-goproxy-'));
    try {
      const env = { ...process.env, GOPROXY: `file://${proxy}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOMODCACHE: join(proxy, 'cache') };
      const run = await gitops(['gomod:example.com/no/such/module@v1.2.3/crds'], env);
      expect(run.stderr).toMatch(/^gomod:example\.com\/no\/such\/module@v1\.2\.3\/crds: cannot be downloaded: .*example\.com\/no\/such\/module@v1\.2\.3.*\n  -> Check the module path and version/);
      expect(run.code).toBe(1);
    } finally {
      rmSync(proxy, { recursive: true, force: true });
    }
  });
});
