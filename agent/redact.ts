// Text from a credential plugin (its stderr) or a server, made fit for logs, status and Events:
// secrets it may echo are replaced by `***` and it is cut to a bounded length.
import { redactCredentials } from '../core/git-credentials.ts';

const SECRET_KEYS = String.raw`(?:refresh_token|access_token|id_token|client_secret|token|password|passwd|secret|api[_-]?key)`;
const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
  // key=value, key: value, "key": "value" (query strings, JSON, YAML, form bodies)
  [new RegExp(String.raw`(["']?\b${SECRET_KEYS}["']?\s*[=:]\s*)(["']?)[^\s"'&,;}]+`, 'gi'), '$1$2***'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '***'], // a JWT anywhere
];

/** `text` trimmed, secrets hidden, at most `max` characters (the rest counted, not shown). */
export function redactSecrets(text: string, max = 2000): string {
  let out = redactCredentials(text.trim());
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  return out.length > max ? `${out.slice(0, max)}… (${out.length - max} more characters)` : out;
}
