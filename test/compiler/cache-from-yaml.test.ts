// Reading back what render wrote (compiler/read-rendered-yaml.ts), for the rendered-branch cache: every value
// comes back as the `yaml` library reads the same text, or not at all (the caller then uses `yaml`).
import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../core/parse-yaml.ts';
import { DEFAULT_LIMITS } from '../../core/limits.ts';
import { readRenderedYaml } from '../../compiler/read-rendered-yaml.ts';
import { emitYaml, toYaml } from '../../compiler/render.ts';

const STRINGS = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'null', '~', '', ' lead', 'trail ', '0o644', '0x1f', '1.0', '1e3', '010', '1_000', '12:30',
  'a: b', 'a:b', 'http://x/y', '- item', '#not', 'x #y', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'ünïcødé ✓', '@at', '`tick', '%pct', '*star', '&amp',
  '!bang', '|pipe', '>gt', '[x]', '{x}', 'a,b', '?q', '-', '---', '...', 'a\nb', 'end\n', '<<', 'x'.repeat(1200)];

function object(value: unknown): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x' } }, data: value };
}

/** What the agent reads from the text; undefined when it refuses it (a number beyond 2^53). */
function yamlReads(text: string): unknown {
  const [doc] = [...readDocuments(text, DEFAULT_LIMITS)];
  return doc && 'value' in doc ? doc.value : undefined;
}

describe('readRenderedYaml', () => {
  it('gives back every scalar render writes, as yaml reads it, or nothing', () => {
    const values: unknown[] = [...STRINGS, 0, 1, -1, 3.5, 1e21, 2 ** 53, true, false, null];
    for (const value of values) {
      for (const doc of [object({ k: value }), object([value, { [String(value)]: value }]), object({ [String(value)]: [value] })]) {
        const text = toYaml(doc);
        const read = readRenderedYaml(text, 64);
        const agent = yamlReads(text);
        if (read !== undefined && agent !== undefined) expect(read, JSON.stringify(value)).toEqual(agent);
      }
    }
  });

  it('reads nested maps, sequences of maps, empty maps and lists', () => {
    const doc = object({ a: { b: { c: [] } }, d: [{ e: 1, f: [{ g: {} }, { h: 'x' }] }, { i: null }], j: {} });
    const read = readRenderedYaml(toYaml(doc), 64);
    expect(read).toEqual(doc);
  });

  it('reads what render writes of the plain strings, numbers and keys most objects hold', () => {
    const common = ['yes', '0o644', '1.0', 'a: b', "it's", 'say "hi"', 'ünïcødé ✓', '', 'http://x/y', 'a:b'];
    for (const value of common) expect(readRenderedYaml(toYaml(object({ [value]: value })), 64), value).toEqual(object({ [value]: value }));
  });

  it('gives nothing for what render does not write: multi-line strings, a sequence in a sequence, flow style, comments, deeper than the limit', () => {
    for (const text of [toYaml(object({ k: 'a\nb' })), 'a:\n  __proto__:\n    polluted: 1\n', toYaml(object([[1, 2]])), 'a: {b: 1}\n', 'a: 1 # note\n', 'a: 1\n  b: 2\n', 'a: 1']) {
      expect(readRenderedYaml(text, 64), text).toBeUndefined();
    }
    expect(readRenderedYaml(toYaml(object({ a: { b: { c: 1 } } })), 3)).toBeUndefined();
  });

  it('gives a value only for a text render writes again byte for byte: other spellings of the same data are left to yaml', () => {
    const canonical = toYaml(object({ a: { b: [1, 'x', { c: 'yes', d: [] }], e: {} }, f: 1.5, g: 'plain-text', h: "it's", 'i j': null, k: true }));
    expect(readRenderedYaml(canonical, 64)).toBeDefined();
    // Each is valid YAML with the same (or nearly the same) data, in a form render does not write.
    const respelled = [
      ['f: 1.5', 'f: 1.50'], ['f: 1.5', 'f: 15e-1'], ['k: true', 'k: True'], ["h: it's", "h: 'it''s'"], ['g: plain-text', 'g: "plain-text"'],
      ['i j: null', '"i j": null'], ['i j: null', "'i j': null"], ['i j: null', 'i j: ~'], ['i j: null', 'i j:'], ['g: plain-text', 'g: plain-text '], ['g: plain-text', 'g:  plain-text'],
      ['c: "yes"', "c: 'yes'"], ['e: {}', 'e: { }'], ['d: []', 'd: [ ]'], ['    - 1', '    -  1'], ['    - 1', '    - "1"'],
    ];
    for (const [from, to] of respelled) {
      expect(canonical, from).toContain(from);
      const text = canonical.replace(from, to);
      const read = readRenderedYaml(text, 64);
      if (read !== undefined) expect(emitYaml(read), `${from} -> ${to}`).toBe(text);
    }
  });
});
