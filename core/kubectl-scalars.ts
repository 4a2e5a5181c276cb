// How `kubectl apply -f` reads a plain scalar, so that a file means the same to the agent as to kubectl,
// and the renderer quotes every string kubectl would read as something else. kubectl reads YAML with
// sigs.k8s.io/yaml (go-yaml v2), which is YAML 1.1 as Go implements it:
// `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0644` and `0o644` are octal (420), `1_000` is 1000, `0x10` is 16,
// and unquoted timestamps (`2024-01-02`) and base-60 forms (`1:20`) stay strings. The yaml library's own
// YAML 1.1 schema gives its booleans, nulls and merge keys (`<<`); its numbers, timestamps and the
// binary/set/omap/pairs types differ from Go's and are replaced or left out (an unknown tag is refused).
import { Schema, type ScalarTag, type Tags } from 'yaml';

const KEPT = new Set(['map', 'seq', 'str', 'null', 'bool', 'merge'].map((t) => `tag:yaml.org,2002:${t}`));
const FLOAT = 'tag:yaml.org,2002:float';

// After removing '_', what Go's strconv.ParseInt(s, 0, 64) reads as an integer.
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|([1-9][0-9]*|0))$/;
// go-yaml's yamlStyleFloat, and what ParseFloat reads after a leading '.'.
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

/** The number go-yaml v2 reads from a plain scalar, or the text itself when it reads a string. */
function goNumber(text: string, onError: (message: string) => void = () => {}): number | string {
  const plain = text.replaceAll('_', '');
  if (text.startsWith('.')) return DOT_FLOAT.test(plain) ? Number(plain) : text;
  const int = GO_INT.exec(plain);
  if (int) {
    const [, sign, hex, bin, oct, dec] = int;
    const magnitude = parseInt(hex ?? bin ?? oct ?? dec, hex ? 16 : bin ? 2 : oct ? 8 : 10);
    if (!Number.isSafeInteger(magnitude)) onError(`${text} is too large to be read exactly (more than 2^53); quote it if it is a string`);
    return sign === '-' ? -magnitude : magnitude;
  }
  if (!GO_FLOAT.test(plain)) return text;
  const float = Number(plain);
  if (!Number.isFinite(float)) onError(`${text} is too large for a number`);
  return float;
}

// Exactly the strings go-yaml reads as numbers. The yaml library only calls test(), to resolve a scalar
// and, when writing, to see that a string must be quoted to stay one.
class GoNumberPattern extends RegExp {
  constructor() { super('^[-+0-9.][0-9a-zA-Z_.+-]*$'); }
  override test(text: string): boolean { return super.test(text) && typeof goNumber(text) === 'number'; }
}
const NOT_FINITE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

function numberTag(tag: string): ScalarTag {
  return { tag, default: true, test: new GoNumberPattern(), resolve: goNumber };
}

// JSON has no infinity or NaN: kubectl fails on them ("json: unsupported value: +Inf"), and so do we.
const notFinite: ScalarTag = {
  tag: FLOAT, default: true, test: NOT_FINITE,
  resolve: (text, onError) => { onError(`${text} is not a number JSON can hold (kubectl refuses it too); quote it if it is a string`); return text; },
};

/** Tags for reading (never writing) YAML as kubectl does. */
function kubectlTags(yaml11: Tags): Tags {
  const kept = yaml11.filter((t) => typeof t !== 'string' && KEPT.has(t.tag));
  return [...kept, notFinite, numberTag('tag:yaml.org,2002:int'), numberTag(FLOAT)];
}

// A string '<<' written as a key must be quoted, or kubectl reads a merge key; the yaml library writes it
// bare while its merge tag is in the schema.
const MERGE = 'tag:yaml.org,2002:merge';
const mergeKey: ScalarTag = { tag: MERGE, default: true, test: /^<<$/, resolve: (text) => text };

/**
 * Options for writing with the yaml library: its YAML 1.1 schema already quotes the YAML 1.1 booleans and
 * nulls; `compat` quotes also every string go-yaml would read as a number ('0o644', '0X10', '0_1') and '<<'.
 */
export const KUBECTL_WRITE: { readonly version: '1.1'; readonly customTags: (tags: Tags) => Tags; readonly compat: Tags } = {
  version: '1.1',
  customTags: (tags: Tags) => tags.filter((t) => typeof t === 'string' || t.tag !== MERGE),
  compat: [numberTag('tag:yaml.org,2002:int'), mergeKey],
};

/** The schema that reads scalars as `kubectl apply -f` does; one instance, shared by every document. */
export const KUBECTL_SCHEMA = new Schema({ schema: 'yaml-1.1', customTags: kubectlTags, resolveKnownTags: false });
