// Links to a commit on the forge that hosts the repository, when it is one we know the URL scheme of.
// Pure: a remote URL (https, ssh or scp-like; credentials, if any, are dropped) and a commit in, a URL or nothing out.

/** Host -> the path of a commit page after the repository's path. */
const FORGES: Readonly<Record<string, string>> = {
  'github.com': '/commit/',
  'gitlab.com': '/-/commit/',
  'codeberg.org': '/commit/',
  'bitbucket.org': '/commits/',
};

/** The commit's page, or undefined for an unknown host or a commit that is not a hex id (a trailer may say anything). */
export function commitUrl(remote: string, commit: string | undefined): string | undefined {
  if (!commit || !/^[0-9a-f]{7,64}$/i.test(commit)) return undefined;
  const repo = repoOf(remote);
  const route = repo && FORGES[repo.host];
  return route ? `https://${repo.host}/${repo.path}${route}${commit}` : undefined;
}

function repoOf(remote: string): { host: string; path: string } | undefined {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(remote); // git@github.com:team/repo.git
  let host: string, path: string;
  if (scp && !remote.includes('://')) [host, path] = [scp[1], scp[2]];
  else {
    try {
      const url = new URL(remote);
      if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
      [host, path] = [url.hostname, url.pathname];
    } catch {
      return undefined;
    }
  }
  const clean = path.replace(/^\/+/, '').replace(/\.git\/?$/, '').replace(/\/+$/, '');
  // Owner and repository (GitLab: groups too) in plain path characters only: the result goes into an href.
  if (!/^[\w.-]+(?:\/[\w.-]+)+$/.test(clean)) return undefined;
  return { host: host.toLowerCase(), path: clean };
}
