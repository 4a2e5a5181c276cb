// Fetches a chart archive with `helm pull`: from a chart repository (a repositories.yaml in helm's scratch home,
// then `helm repo update` and `helm pull`) or from an OCI registry (a registry config there). Credentials come
// from the environment variables the chart names and go only into those files (mode 0600), never onto a command line.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartAuth, ChartSource } from './chart-source.ts';
import { withHelmHome } from './helm-run.ts';

type RemoteSource = Exclude<ChartSource, { type: 'folder' }>;

/** The chart's archive (.tgz) as the repository or registry serves it. */
export function fetchChart(source: RemoteSource): Buffer {
  const credentials = source.auth ? readAuth(source.auth) : undefined;
  if (source.type === 'repo') {
    const repository = { name: 'source', url: source.url, ...(credentials ?? {}) };
    const files = { 'repositories.yaml': JSON.stringify({ apiVersion: '', repositories: [repository] }) };
    return withHelmHome(files, (helm, home) => {
      helm(['repo', 'update', 'source']);
      helm(['pull', `source/${source.name}`, '--version', source.version, '--destination', outFolder(home)]);
      return onlyArchive(outFolder(home));
    });
  }
  const host = new URL(source.ref.replace(/^oci:/, 'http:')).host;
  const auths = credentials ? { [host]: { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') } } : {};
  return withHelmHome({ 'registry.json': JSON.stringify({ auths }) }, (helm, home) => {
    helm(['pull', source.ref, '--version', source.version, '--destination', outFolder(home), ...(source.plainHttp ? ['--plain-http'] : [])]);
    return onlyArchive(outFolder(home));
  });
}

function readAuth(auth: ChartAuth): { username: string; password: string } {
  const username = process.env[auth.usernameEnv];
  const password = process.env[auth.passwordEnv];
  const missing = [!username && auth.usernameEnv, !password && auth.passwordEnv].filter(Boolean);
  if (missing.length > 0) throw new Error(`the chart's credentials are not set: set the environment variable ${missing.join(' and ')}`);
  return { username: username!, password: password! };
}

function outFolder(home: string): string {
  const out = join(home, 'out');
  mkdirSync(out, { recursive: true });
  return out;
}

function onlyArchive(folder: string): Buffer {
  const archives = readdirSync(folder).filter((f) => f.endsWith('.tgz'));
  if (archives.length !== 1) throw new Error(`helm pull left ${archives.length} chart archives instead of one`);
  return readFileSync(join(folder, archives[0]));
}
