// What the Helm tests serve on loopback and run: a chart repository (static files over HTTP, with basic auth), an OCI
// registry (CNCF distribution, built from its Go module), helm itself, and the gitops CLI in a child process with
// its own cache folder (so a test sees exactly the fetches it causes).
import { execFile, spawn } from 'node:child_process';
import { hashSync } from 'bcryptjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../controlplane/ports.ts';
import { HELM } from '../../compiler/helm/helm-binary.ts';
import { ensureGoTool, registry } from '../helpers/go-tool.ts';
import { REPO_ROOT } from '../helpers/project.ts';

const run = promisify(execFile);

export interface ChartRepo {
  readonly url: string;
  /** Paths requested, in order, with whether they carried the right credentials. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves the files of `dir` at http://127.0.0.1:<port>/, answering 401 without the credentials when given. */
export async function serveChartRepo(dir: string, auth?: { username: string; password: string }): Promise<ChartRepo> {
  const requests: string[] = [];
  const expected = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const authorized = !expected || req.headers.authorization === expected;
    requests.push(`${path}${authorized ? '' : ' (unauthorized)'}`);
    if (!authorized) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
    const file = join(dir, path);
    if (!existsSync(file) || path.endsWith('/')) return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/charts`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface Registry {
  /** host:port */
  readonly host: string;
  stop(): Promise<void>;
}

/** A distribution registry on 127.0.0.1 with its storage in a temporary folder; with `auth`, only for that user. */
export async function startRegistry(auth?: { username: string; password: string }): Promise<Registry> {
  const binary = await ensureGoTool(registry);
  const dir = mkdtempSync(join(tmpdir(), 'helm-registry-'));
  const port = await freePort();
  let config = `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`;
  if (auth) {
    writeFileSync(join(dir, 'htpasswd'), `${auth.username}:${hashSync(auth.password, 4)}\n`); // bcrypt, as htpasswd files hold
    config += `auth:\n  htpasswd:\n    realm: charts\n    path: ${dir}/htpasswd\n`;
  }
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok || r.status === 401, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) { child.kill(); throw new Error(`registry did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The helm binary the tests use directly (to package and push charts), built once into the cache. */
export async function helmBinary(): Promise<string> {
  return ensureGoTool(HELM);
}

/** Runs the tests' helm; its home is a throwaway folder. */
export async function helm(binary: string, args: readonly string[]): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'helm-test-home-'));
  try {
    const { stdout } = await run(binary, args, { env: { PATH: process.env.PATH, HOME: home, HELM_CONFIG_HOME: join(home, 'c'), HELM_CACHE_HOME: join(home, 'k'), HELM_DATA_HOME: join(home, 'd') } });
    return stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `gitops <args>` for the project at `root`, with `cache` as its XDG cache (chart cache) and helm on PATH. */
export async function gitops(root: string, args: readonly string[], cache: string, helmPath: string, env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'bin', 'gitops.js'), ...args, '--root', root], {
      env: { ...process.env, XDG_CACHE_HOME: cache, PATH: `${dirname(helmPath)}${delimiter}${process.env.PATH}`, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
