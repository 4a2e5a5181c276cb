// Fast YAML for rendered objects: writes plain JSON data (maps, sequences, strings, numbers, booleans, null) in
// exactly the bytes that `yaml`'s stringify gives with the same options, several times faster. Each distinct
// string is quoted (or not) by `yaml` itself, once; returns undefined for shapes it does not write (the caller
// then uses `yaml`). compiler/render-yaml.test.ts checks the bytes against `yaml`.
import { stringify, type CreateNodeOptions, type DocumentOptions, type SchemaOptions, type ToStringOptions } from 'yaml';

type YamlOptions = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;
type Quote = (s: string) => string | undefined;

// Starts with a letter, has no indicator characters (a ':' only before a non-space: 'http://x', 'web:1.4'), and is
// none of YAML 1.1's boolean and null words nor an exponent `yaml` reads as a float ('e5', 'E-12345'): `yaml`
// writes such a string as it is, as a key or a value (compiler/render-yaml.test.ts checks such strings of up to
// 3 characters, and these words in every case).
const PLAIN = /^[A-Za-z](?:[A-Za-z0-9._/@%+=~-]|:(?=[^\s:]))*$/;
const WORDS = /^(y|n|yes|no|on|off|true|false|null)$|^e[-+]?[0-9]/i;
// Strings whose bytes may depend on where they stand (document markers, multi-line, explicit keys) or on merge keys.
const CONTEXTUAL = /^(%|---|\.\.\.)|[\n\r]|^<<$/;
// A memo holds at most this many strings, and this many characters of them (a few MB, whatever a commit holds).
const MAX_MEMO = 100_000;
const MAX_MEMO_CHARS = 2_000_000;

/** An emitter, and how it writes each scalar and key (undefined: not in a form it writes). */
export type Emitter = ((doc: Record<string, unknown>) => string | undefined) & {
  readonly scalar: (value: unknown) => string | undefined;
  readonly key: (key: string) => string | undefined;
};

/** An emitter for one set of block-style options (indent 2, lineWidth 0, indented sequences). */
export function yamlEmitter(options: YamlOptions): Emitter {
  const values = memo((s) => {
    const text = stringify({ k: s }, options);
    return text.startsWith('k: ') && text.indexOf('\n') === text.length - 1 ? text.slice(3, -1) : undefined;
  });
  const keys = memo((s) => {
    const text = stringify({ [s]: null }, options);
    return text.endsWith(': null\n') && text.indexOf('\n') === text.length - 1 ? text.slice(0, -7) : undefined;
  });

  function scalar(v: unknown): string | undefined {
    switch (typeof v) {
      case 'string': return values(v);
      case 'boolean': return v ? 'true' : 'false';
      case 'number': return Number.isFinite(v) && !Object.is(v, -0) ? JSON.stringify(v) : undefined;
      case 'object': return v === null ? 'null' : undefined;
      default: return undefined;
    }
  }

  /** `value` after `prefix` (a key and colon, or a dash), with nested lines at `indent`; undefined when unsupported. */
  function node(value: unknown, indent: string, inSequence: boolean): string | undefined {
    if (Array.isArray(value)) {
      if (value.length === 0) return ' []';
      if (inSequence) return undefined; // a sequence directly in a sequence: leave it to `yaml`
      return sequence(value, indent);
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.keys(value);
      if (entries.length === 0) return ' {}';
      const body = map(value as Record<string, unknown>, indent);
      if (body === undefined) return undefined;
      return inSequence ? ` ${body.slice(indent.length)}` : `\n${body}`;
    }
    const s = scalar(value);
    return s === undefined ? undefined : ` ${s}`;
  }

  function map(object: Record<string, unknown>, indent: string): string | undefined {
    let out = '';
    for (const k of Object.keys(object)) {
      const key = keys(k);
      const rest = key === undefined ? undefined : node(object[k], `${indent}  `, false);
      if (rest === undefined) return undefined;
      out += `${out ? '\n' : ''}${indent}${key}:${rest}`;
    }
    return out;
  }

  function sequence(items: readonly unknown[], indent: string): string | undefined {
    let out = '';
    for (const item of items) {
      const rest = node(item, `${indent}  `, true);
      if (rest === undefined) return undefined;
      out += `\n${indent}-${rest}`;
    }
    return out;
  }

  const emit = (doc: Record<string, unknown>) => {
    const body = map(doc, '');
    return body === undefined || body === '' ? undefined : `${body}\n`;
  };
  return Object.assign(emit, { scalar, key: keys });
}

/**
 * How each string of up to 1,000 characters is written, remembered; forgotten all at once past `limits`. Plain strings
 * are memoized too: a map lookup is cheaper than the three patterns (most keys and values repeat).
 */
export function memo(quote: Quote, limits = { entries: MAX_MEMO, chars: MAX_MEMO_CHARS }): Quote {
  const cache = new Map<string, string | undefined>();
  let chars = 0;
  return (s) => {
    if (s.length > 1000) return undefined;
    let text = cache.get(s);
    if (text === undefined && !cache.has(s)) {
      if (cache.size >= limits.entries || chars >= limits.chars) { cache.clear(); chars = 0; }
      text = CONTEXTUAL.test(s) ? undefined : PLAIN.test(s) && !WORDS.test(s) ? s : quote(s);
      cache.set(s, text);
      chars += s.length + (text === s ? 0 : (text?.length ?? 0));
    }
    return text;
  };
}
