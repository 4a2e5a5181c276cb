// Where a HelmChart comes from, as plain data, and its key in gitops.lock: a folder of the project, a chart of an
// HTTP(S) chart repository (index.yaml) by name and exact version, or an OCI reference and version.
import { posix } from 'node:path';

export type ChartSource =
  | { readonly type: 'folder'; readonly path: string }
  | { readonly type: 'repo'; readonly url: string; readonly name: string; readonly version: string; readonly auth?: ChartAuth }
  | { readonly type: 'oci'; readonly ref: string; readonly version: string; readonly plainHttp: boolean; readonly auth?: ChartAuth };

/** Names of the environment variables holding a repository's user name and password (read only to fetch). */
export interface ChartAuth {
  readonly usernameEnv: string;
  readonly passwordEnv: string;
}

export interface ChartSourceProps {
  readonly chart: string;
  readonly repo?: string;
  readonly version?: string;
  readonly auth?: ChartAuth;
  readonly plainHttp?: boolean;
}

// Exact versions only: a range would let the chart change under a lock entry's name.
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The source the props name; throws an Error saying what to write instead when they name none. */
export function chartSource(props: ChartSourceProps): ChartSource {
  const { chart, repo, version, auth } = props;
  if (chart.startsWith('oci://')) {
    if (repo) throw new Error(`chart '${chart}' is an OCI reference: leave out repo`);
    return { type: 'oci', ref: chart.replace(/\/+$/, ''), version: exactVersion(chart, version), plainHttp: props.plainHttp ?? false, ...(auth ? { auth } : {}) };
  }
  if (repo) {
    if (!/^https?:\/\//.test(repo)) throw new Error(`repo '${repo}' of chart '${chart}' is not an http(s) URL of a chart repository`);
    // The URL goes into gitops.lock and messages: a user name or password in it would be committed and printed.
    if (/^https?:\/\/[^/]*@/.test(repo)) throw new Error(`repo of chart '${chart}' has credentials in its URL: remove them and name the environment variables holding them in auth`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(chart)) throw new Error(`chart '${chart}' of repo ${repo} is not a chart name`);
    return { type: 'repo', url: repo.replace(/\/+$/, ''), name: chart, version: exactVersion(chart, version), ...(auth ? { auth } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chart)) throw new Error(`chart '${chart}': give an oci:// reference, a chart name with repo, or a folder of the project`);
  const path = posix.normalize(chart.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (path.startsWith('../') || path === '..' || path.startsWith('/')) throw new Error(`chart folder '${chart}' is outside the project: give a path relative to the project root`);
  if (version) throw new Error(`chart folder '${chart}' has its version in its Chart.yaml: leave out version`);
  return { type: 'folder', path };
}

function exactVersion(chart: string, version: string | undefined): string {
  if (!version) throw new Error(`chart '${chart}' needs an exact version (e.g. version: '1.2.3')`);
  if (!EXACT_VERSION.test(version)) throw new Error(`chart '${chart}': version '${version}' is not an exact version (ranges are not locked)`);
  return version;
}

/** The chart's key in gitops.lock: its folder, `<repo url>/<name>@<version>` or `<oci ref>@<version>`. */
export function lockKey(source: ChartSource): string {
  switch (source.type) {
    case 'folder': return source.path;
    case 'repo': return `${source.url}/${source.name}@${source.version}`;
    case 'oci': return `${source.ref}@${source.version}`;
  }
}
