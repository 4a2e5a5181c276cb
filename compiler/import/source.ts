// What `gitops import` reads CRDs from, as the user writes it: a file or folder, an http(s) URL, or a
// Go module's file or folder, `gomod:<module>@<version>[/<path>]` (e.g.
// gomod:sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard). Parsing is pure; reading is in read-source.ts.
import { posix } from 'node:path';
import { UserInputError } from '../../core/errors.ts';

export type ImportSource =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'url'; readonly url: URL }
  | { readonly kind: 'gomod'; readonly module: string; readonly version: string; readonly path: string };

const SYNTAX = 'gomod:<module>@<version>[/<path in the module>], e.g. gomod:sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard';

export function parseSource(text: string): ImportSource {
  if (text.startsWith('gomod:')) return parseGoModule(text);
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: 'url', url: new URL(text) };
    } catch {
      throw new UserInputError(`${JSON.stringify(redacted(text))} is not a URL`, { object: 'gitops import', hint: 'Give an http(s) URL of a CRD file.' });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UserInputError(`${redacted(text)}: only http(s) URLs, gomod: and paths can be imported`, { object: 'gitops import', hint: `Download the CRD first, or use ${SYNTAX}.` });
  }
  return { kind: 'path', path: text };
}

function parseGoModule(text: string): ImportSource {
  const rest = text.slice('gomod:'.length);
  const at = rest.indexOf('@');
  const module = rest.slice(0, at);
  const [version = '', ...folder] = rest.slice(at + 1).split('/');
  const path = posix.normalize(folder.join('/') || '.');
  const wrong = at <= 0 ? 'no @<version>' : !/^v[0-9][\w.+-]*$/.test(version) ? `${JSON.stringify(version)} is not an exact version (vX.Y.Z)`
    : !/^[\w.~-]+(\/[\w.~-]+)*$/.test(module) ? `${JSON.stringify(module)} is not a module path`
    : path.startsWith('..') || posix.isAbsolute(path) ? `${JSON.stringify(folder.join('/'))} leaves the module` : undefined;
  if (wrong) throw new UserInputError(`${text}: ${wrong}`, { object: 'gitops import', hint: `Write ${SYNTAX}.` });
  return { kind: 'gomod', module, version, path };
}

/** How a source is named in messages and in what the import writes: a URL without its user and password. */
export function sourceName(source: ImportSource): string {
  switch (source.kind) {
    case 'path': return source.path;
    case 'url': return redacted(source.url.href);
    case 'gomod': return `gomod:${source.module}@${source.version}${source.path === '.' ? '' : `/${source.path}`}`;
  }
}

function redacted(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
