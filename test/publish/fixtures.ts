// Real-git fixtures for the publish tests: small projects inside the repo (so typed-gitops/* and
// cdk8s resolve) that are their own git repositories, bare remotes, and a git daemon on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { startGitDaemon, type GitDaemon } from '../helpers/git-daemon.ts';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** An app rendering one ConfigMap per environment (or only `envs`), whose data is `value` and the env's replica count. */
export function configMapApp(name: string, value: string, envs?: readonly string[]): string {
  return `import { ApiObject, Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
export default defineApp<{ replicas: number }>({
  name: '${name}',${envs ? `\n  environments: ${JSON.stringify(envs)},` : ''}
  build(app, env) {
    const chart = new Chart(app, '${name}', { namespace: 'demo' });
    new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}' }, data: { value: '${value}', replicas: String(env.values.replicas) } });
  },
});
`;
}

/** An app whose build throws: synth reports an error. */
export const brokenApp = `import { defineApp } from 'typed-gitops/lib';
export default defineApp({ name: 'broken', build() { throw new Error('broken on purpose'); } });
`;

const CONFIG = `import { defineConfig } from 'typed-gitops/config';
export default defineConfig<{ replicas: number }>({
  environments: { dev: { values: { replicas: 1 } }, prod: { values: { replicas: 3 } } },
  external: { namespaces: ['demo'] },
});
`;

const cleanups: (() => void)[] = [];
/** Removes every project, remote and daemon made so far (call in afterAll). */
export function cleanUp() {
  for (const clean of cleanups.splice(0).reverse()) clean();
}

export interface Project {
  readonly dir: string;
  /** Writes (string) or deletes (null) files under apps/ and commits them; returns the commit. */
  commit(message: string, apps: Record<string, string | null>): string;
}

/** A project repo on branch main with the given apps, committed, and `origin` pointing at `remoteUrl`. */
export function createProject(apps: Record<string, string>, remoteUrl?: string): Project {
  const dir = join(repoRoot, '.gitops-cache', 'test-projects', randomUUID().slice(0, 8));
  mkdirSync(join(dir, 'apps'), { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'user.name', 'Dev Eloper');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(dir, 'gitops.config.ts'), CONFIG);
  writeFileSync(join(dir, '.gitignore'), 'dist/\n.gitops-cache/\n');
  if (remoteUrl) git(dir, 'remote', 'add', 'origin', remoteUrl);
  const project = projectAt(dir);
  project.commit('initial apps', apps);
  return project;
}

/** A clone of `project` (its own work tree and git folder) with `origin` set to `remoteUrl`. */
export function cloneProject(project: Project, remoteUrl: string): Project {
  const dir = join(repoRoot, '.gitops-cache', 'test-projects', randomUUID().slice(0, 8));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  git(dirname(dir), 'clone', '--quiet', project.dir, dir);
  git(dir, 'config', 'user.name', 'Other Dev');
  git(dir, 'config', 'user.email', 'other@example.com');
  git(dir, 'remote', 'set-url', 'origin', remoteUrl);
  return projectAt(dir);
}

function projectAt(dir: string): Project {
  return {
    dir,
    commit(message, changes) {
      for (const [name, content] of Object.entries(changes)) {
        const file = join(dir, 'apps', `${name}.ts`);
        if (content === null) rmSync(file);
        else writeFileSync(file, content);
      }
      git(dir, 'add', '-A');
      git(dir, 'commit', '--quiet', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
  };
}

/** An empty bare repository; returns its path. */
/** Writes `files` (path -> content) into the project's checkout and commits them. */
export function commitFiles(project: Project, files: Record<string, string>, message = 'change files'): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(project.dir, path)), { recursive: true });
    writeFileSync(join(project.dir, path), content);
  }
  git(project.dir, 'add', '-A');
  git(project.dir, 'commit', '--quiet', '-m', message);
}

/** Fetches the remote's rendered branch as origin/rendered. */
export function fetchRendered(dir: string): void {
  git(dir, 'fetch', '--quiet', 'origin', '+refs/heads/rendered:refs/remotes/origin/rendered');
}

/** A new clone of the project (a fresh CI job) with the remote's rendered branch fetched as origin/rendered. */
export function cloneWithRendered(project: Project, remoteUrl: string): Project {
  const clone = cloneProject(project, remoteUrl);
  fetchRendered(clone.dir);
  return clone;
}

export function createBareRemote(): string {
  const base = mkdtempSync(join(tmpdir(), 'gitops-remote-'));
  cleanups.push(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'rendered.git');
  execFileSync('git', ['init', '--quiet', '--bare', dir]);
  return dir;
}

/** A git daemon serving the bare repositories under `baseDir` (read and push), stopped at clean-up. */
export async function startDaemon(baseDir: string): Promise<GitDaemon> {
  const daemon = await startGitDaemon(baseDir, { push: true });
  cleanups.push(() => void daemon.stop()); // kills at once; the exit is not awaited
  return daemon;
}

/**
 * `git http-backend` behind a Node HTTP server on 127.0.0.1 that wants Basic auth with `user` and
 * `password`; returns http:// URLs without credentials.
 */
export async function startHttpGit(baseDir: string, user: string, password: string): Promise<{ url(repo: string): string }> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = createHttpServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env, GIT_PROJECT_ROOT: baseDir, GIT_HTTP_EXPORT_ALL: '1', REMOTE_USER: user, REMOTE_ADDR: '127.0.0.1',
        REQUEST_METHOD: req.method, PATH_INFO: url.pathname, QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '', HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    // CGI answer: headers (Status: among them), a blank line, then the body.
    let head = Buffer.alloc(0);
    cgi.stdout.on('data', function onData(chunk: Buffer) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      cgi.stdout.off('data', onData);
      const headers = head.subarray(0, end).toString().split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
      const status = Number(headers.find(([k]) => k.toLowerCase() === 'status')?.[1].split(' ')[0] ?? 200);
      res.writeHead(status, Object.fromEntries(headers.filter(([k]) => k.toLowerCase() !== 'status')));
      res.write(head.subarray(end + 4));
      cgi.stdout.pipe(res);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  cleanups.push(() => server.close());
  const { port } = server.address() as { port: number };
  return { url: (repo) => `http://127.0.0.1:${port}/${repo}` };
}
