// Credentials in an http(s) remote URL, kept off git's command line: /proc/<pid>/cmdline is readable by
// every user of the machine, a process's environment only by its owner. Git gets the URL without userinfo
// and an `Authorization: Basic` header scoped to that URL through GIT_CONFIG_COUNT/KEY/VALUE.

export interface GitRemote {
  /** What git is given: the URL without userinfo (any other URL unchanged). */
  readonly url: string;
  /** Added to git's environment; empty when the URL holds no credentials. */
  readonly env: Readonly<Record<string, string>>;
}

/** `https://user:token@host/repo.git` (or `https://token@host/...`) as a plain URL and the environment that authenticates it. */
export function remoteWithoutCredentials(url: string, env: NodeJS.ProcessEnv = process.env): GitRemote {
  const parsed = /^https?:\/\//i.test(url) ? URL.parse(url) : null;
  if (!parsed || (!parsed.username && !parsed.password)) return { url, env: {} };
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  const plain = parsed.toString();
  // Appended after any entries the caller's environment already carries, which keep working.
  const index = Number.parseInt(env.GIT_CONFIG_COUNT ?? '', 10) || 0;
  return {
    url: plain,
    env: {
      GIT_CONFIG_COUNT: String(index + 1),
      [`GIT_CONFIG_KEY_${index}`]: `http.${plain}.extraHeader`,
      [`GIT_CONFIG_VALUE_${index}`]: `Authorization: Basic ${basic}`,
    },
  };
}

/**
 * Git's stderr, with a plain reason first when it asked for a user name after our header was refused
 * (its own words, "could not read Username … terminal prompts disabled", mislead when a token was given).
 */
export function explainAuthFailure(stderr: string, remote: GitRemote): string {
  const refused = Object.keys(remote.env).length > 0 && /could not read (Username|Password)|Authentication failed|\b401\b/.test(stderr);
  return refused ? `the server refused the credentials in the URL (Authentication failed); git said: ${stderr}` : stderr;
}

/** Credentials in URLs (`https://user:token@host`) replaced by `***`, for anything we print. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, '$1***@');
}
