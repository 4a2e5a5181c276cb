// The fast emitter must give exactly the bytes of `yaml`'s stringify (with render's options) or step aside.
import { describe, expect, it } from 'vitest';
import { Duration } from 'cdk8s';
import { stringify } from 'yaml';
import { ScheduledJob, WebService, Worker, synthConstruct } from '../lib/index.ts';
import { readDocuments } from '../core/parse-yaml.ts';
import { DEFAULT_LIMITS } from '../core/limits.ts';
import { sortKeys } from '../core/sort-keys.ts';
import { toYaml } from './render.ts';
import { KUBECTL_WRITE } from '../core/kubectl-scalars.ts';
import { memo, yamlEmitter } from './render-yaml.ts';

const OPTIONS = { ...KUBECTL_WRITE, lineWidth: 0, indent: 2, aliasDuplicateObjects: false } as const;
const emit = yamlEmitter(OPTIONS);

/** Same bytes as `yaml`, or undefined (the caller falls back to `yaml`). */
function expectSameOrFallback(doc: Record<string, unknown>): boolean {
  const fast = emit(doc);
  if (fast !== undefined) expect(fast).toBe(stringify(doc, OPTIONS));
  return fast !== undefined;
}

const TRICKY_STRINGS = [
  '', ' ', 'a', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'true', 'True', 'TRUE',
  'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~', 'Infinity', 'NaN', '.inf', '-.inf', '+.INF', '.nan', '.NaN',
  '0', '8080', '-1', '+1', '012', '0o12', '0x1F', '0b101', '1_000', '1:20', '190:20:30', '1.5', '1.5e3', '6.8523015e+5', '1e3', '.5', '5.',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '250m', '256Mi', '1.4.2', 'v1', 'apps/v1', '25%',
  '-', '--', '---', '--- a', '...', '....', '- a', '-a', '?', '? a', '?a', ':', ':a', 'a:', 'a: b', 'a:b', 'http://x.y:80/p?q=1#f', 'a #b', 'a#b', '#a',
  '&a', '*a', '!a', '!!str', '|', '|-', '>', "'", "'a'", '"', '"a"', '%a', '%YAML 1.1', '@a', '`a', '[a]', 'a]', '{a}', 'a}', 'a,b', ',a',
  ' a', 'a ', '\ta', 'a\t', 'a\tb', 'a\nb', 'a\n', '\n', 'a\r\nb', 'a\\b', 'é', 'ünïcödé', '日本語', '😀', '\u0000', '\u0007', '\u001b', '\u0085', '\u00a0',
  '\u2028', '\ud800', '<<', '=', 'x'.repeat(1100), `${'word '.repeat(30)}end`, 'ghcr.io/acme/web:1.4.2', 'cdk8s.io/metadata.addr',
  '/healthz', '* * * * *', '0 3 * * *', 'a  b', 'a - b', 'key=value', 'C:\\path',
  // Numbers to go-yaml (kubectl's reader) though not to the yaml library's YAML 1.1 schema.
  '0o644', '0O644', '0X10', '0B1', '-0B1', '+0o7', '0_x10', '1__0', '.5_0', '1_2.5', '0_', '09', '1E3',
];
const TRICKY_NUMBERS = [0, 1, -1, 1.5, -2.25, 0.1, 1e21, 1e-7, 2 ** 53, -(2 ** 31), 100, -0, Number.NaN, Number.POSITIVE_INFINITY];

describe('toYaml', () => {
  it('writes every tricky string so that a reader like kubectl reads it back as that string', () => {
    for (const s of TRICKY_STRINGS) {
      const doc = { data: { value: s, [s]: 'key', list: [s] } };
      const [read] = [...readDocuments(toYaml(doc), DEFAULT_LIMITS)];
      expect(read, JSON.stringify(s)).toEqual({ line: 1, value: doc });
    }
  });
});

describe('yamlEmitter', () => {
  it('writes every tricky string, as a value, a sequence item and a key, like yaml', () => {
    for (const s of TRICKY_STRINGS) {
      expectSameOrFallback({ key: s });
      expectSameOrFallback({ list: [s, 'plain-value'] });
      expectSameOrFallback({ [s]: 'value', nested: { [s]: [{ [s]: s }] } });
    }
  });

  it('writes like yaml every short string of letters, digits, punctuation and spaces, and the YAML words in every case', () => {
    const alphabet = [...'abcyzABNOYZ0189._/-:@%+=~ #'];
    const short = [...alphabet, ...alphabet.flatMap((a) => alphabet.map((b) => a + b)), ...alphabet.flatMap((a) => alphabet.flatMap((b) => ['e', 'N', '0', '.'].map((c) => a + b + c)))];
    const cases = (word: string): string[] => (word === '' ? [''] : cases(word.slice(1)).flatMap((rest) => [word[0]!.toLowerCase() + rest, word[0]!.toUpperCase() + rest]));
    const words = ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', 'nan', 'inf', 'infinity', 'e', 'e1', 'e12345', 'e-12345', 'e+1.5', 'e1_000', 'e1x'].flatMap(cases);
    words.push('http://x.y:80/p', 'ghcr.io/acme/web:1.4.2', 'a::b', 'a:', 'a: b', 'a:%b', 'a:#b', 'a #b', 'mailto:x@y', 'k=v+w~', 'x:1:2', 'svc:8080');
    for (const s of [...short, ...words]) {
      expectSameOrFallback({ [s]: s });
      expectSameOrFallback({ list: [s] });
    }
  });

  it('writes numbers, booleans, null and empty collections like yaml', () => {
    for (const n of TRICKY_NUMBERS) expectSameOrFallback({ n, list: [n], deep: { m: [{ n }] } });
    expect(expectSameOrFallback({ t: true, f: false, z: null, list: [true, null, {}, []], m: {}, a: [], deep: { e: {} } })).toBe(true);
  });

  it('writes nested maps and sequences like yaml, and steps aside for sequences in sequences', () => {
    expect(expectSameOrFallback({ a: [{ b: [{ c: { d: [1, 2] } }, { e: 'f' }] }, { g: {} }], h: { i: { j: ['k'] } } })).toBe(true);
    expect(emit({ matrix: [[1, 2], [3]] })).toBeUndefined();
    expect(emit({})).toBeUndefined();
  });

  it('agrees with yaml on random documents', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 4 || r < 0.4) return pick([...TRICKY_STRINGS, ...TRICKY_NUMBERS, true, false, null]);
      if (r < 0.7) return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(TRICKY_STRINGS), value(depth + 1)]));
      return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    };
    let emitted = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = sortKeys({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' }, spec: value(0) }, true) as Record<string, unknown>;
      if (expectSameOrFallback(doc)) emitted++;
    }
    expect(emitted).toBeGreaterThan(300);
  });

  it('writes every object of the lib constructs, as rendered, like yaml', () => {
    const objects = synthConstruct((scope) => {
      new WebService(scope, 'web', {
        app: 'web', image: 'ghcr.io/acme/web:1.0.0', autoscale: { minReplicas: 2, maxReplicas: 5 },
        ingress: { host: 'shop.example.com', tlsSecret: 'tls' }, env: { ON: 'on', PORT: '8080', EMPTY: '' },
        sidecars: { proxy: { image: 'envoyproxy/envoy:v1.31.2', args: ['--log-level', 'info', '-c', '/etc/envoy.yaml'] } },
      });
      new Worker(scope, 'worker', { app: 'jobs', image: 'ghcr.io/acme/worker:2.0.0', command: ['node', 'worker.js'] });
      new ScheduledJob(scope, 'nightly', { app: 'jobs', image: 'ghcr.io/acme/report:1.0.0', schedule: '0 3 * * *', timeout: Duration.minutes(30) });
    });
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) expect(expectSameOrFallback(sortKeys(o, true) as Record<string, unknown>), `${o.kind}`).toBe(true);
  });
});

describe('the memo of how strings are written', () => {
  it('forgets what it holds past its count of strings or of characters, so memory stays bounded whatever the objects hold', () => {
    const asked: string[] = [];
    const quote = (s: string) => { asked.push(s); return `'${s}'`; };
    const byChars = memo(quote, { entries: 1000, chars: 100 });
    byChars('1 first');
    byChars('1 first');
    expect(asked).toEqual(['1 first']); // remembered
    for (let i = 0; i < 10; i++) byChars(`1 ${'x'.repeat(20)} ${i}`); // past 100 characters
    byChars('1 first');
    expect(asked.filter((s) => s === '1 first')).toHaveLength(2);

    const byCount = memo(quote, { entries: 3, chars: 1_000_000 });
    for (const s of ['1 a', '1 b', '1 c', '1 d', '1 a']) byCount(s);
    expect(asked.filter((s) => s === '1 a')).toHaveLength(2);
    expect(byCount('plain')).toBe('plain'); // plain strings are written as they are, remembered too
    expect(byCount(`1 ${'y'.repeat(1000)}`)).toBeUndefined(); // too long to remember: left to `yaml`
  });
});
