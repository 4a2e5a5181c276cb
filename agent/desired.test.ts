// Parsing a rendered revision into the desired set: what a file means, and what refuses the revision.
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { desiredSet, type ParseCache } from './desired.ts';
import { DEFAULT_LIMITS } from '../core/limits.ts';

const rev = (files: Record<string, string>) => ({ commit: 'abcdef0123456789', env: 'prod', files: new Map(Object.entries(files)) });
/** A ConfigMap of app `app` in prod, owner labels and all, as the compiler renders it. */
const cm = (name: string, namespace = 'shop', app = 'web') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {typed-gitops.dev/app: ${app}, typed-gitops.dev/env: prod}\n  name: ${name}\n  namespace: ${namespace}\n`;
const owners = { 'typed-gitops.dev/app': 'web', 'typed-gitops.dev/env': 'prod' };

/** The error desiredSet refuses the revision with. */
function refusal(files: Record<string, string>, limits = DEFAULT_LIMITS): UserInputError {
  try {
    desiredSet(rev(files), undefined, limits);
  } catch (e) {
    if (e instanceof UserInputError) return e;
    throw e;
  }
  throw new Error('the revision was accepted');
}

// "Billion laughs": nine levels of nine aliases, 387,420,489 strings once expanded.
const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

describe('desiredSet', () => {
  it('keeps each object as rendered, owner labels and all, and hashes it', () => {
    const set = desiredSet(rev({ 'web/shop/configmap-a.yaml': cm('a') }));
    expect(set.objects).toHaveLength(1);
    expect(set.objects[0].object.metadata.labels).toEqual(owners);
    expect(set.objects[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses objects whose owner labels are missing or name another app or environment, naming file, line and object', () => {
    const error = refusal({
      'web/shop/a.yaml': cm('a').replace(/  labels: .*\n/, ''),
      'web/shop/b.yaml': cm('b', 'shop', 'api'),
      'web/shop/c.yaml': cm('c').replace('env: prod', 'env: dev'),
      'web/shop/d.yaml': cm('d').replace(', typed-gitops.dev/env: prod', ''),
    });
    expect(error.message).toContain('prod/web/shop/a.yaml:1: ConfigMap shop/a has no typed-gitops.dev/app and no typed-gitops.dev/env; an object in prod/web/ must be labelled typed-gitops.dev/app=web, typed-gitops.dev/env=prod');
    expect(error.message).toContain('prod/web/shop/b.yaml:1: ConfigMap shop/b has typed-gitops.dev/app="api";');
    expect(error.message).toContain('prod/web/shop/c.yaml:1: ConfigMap shop/c has typed-gitops.dev/env="dev";');
    expect(error.message).toContain('prod/web/shop/d.yaml:1: ConfigMap shop/d has no typed-gitops.dev/env;');
    expect(error.subject.hint).toContain('must be published again with this version');
    expect(refusal({ 'web/shop/a.yaml': 'kind: ConfigMap\n' }).subject.hint).not.toContain('older typed-gitops');
  });

  it('refuses a revision of an older compiler: <env>/manifest.json is a file in no app\'s folder, and its objects lack owner labels', () => {
    const error = refusal({ 'manifest.json': '{"environment":"prod","objects":[]}', 'web/shop/a.yaml': cm('a').replace(/  labels: .*\n/, '') });
    expect(error.message).toContain("prod/manifest.json: not in an app's folder (prod/<app>/…), so no app owns it");
    expect(error.message).toContain('prod/web/shop/a.yaml:1: ConfigMap shop/a has no typed-gitops.dev/app');
    const many = refusal(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`web/shop/c${i}.yaml`, cm(`c${i}`).replace(/  labels: .*\n/, '')])));
    expect(many.message.split('\n')).toHaveLength(1 + 100 + 1); // bounded: the first 100, then a count
    expect(many.message).toMatch(/… and 200 more objects refused the same ways$/);
  });

  it('refuses the whole revision, naming every bad file with its line', () => {
    const error = refusal({
      'web/shop/a.yaml': cm('a'),
      'web/shop/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n',
      'web/shop/c.yaml': 'kind: ConfigMap\nmetadata:\n  name: c\n',
      'api/shop/a.yaml': cm('a', 'shop', 'api'),
    });
    expect(error.message).toContain('revision abcdef012345 of prod cannot be applied');
    expect(error.message).toMatch(/prod\/web\/shop\/b\.yaml:\d+: /);
    expect(error.message).toContain('prod/web/shop/c.yaml:1: object has no apiVersion');
    expect(error.message).toContain('prod/web/shop/a.yaml:1: ConfigMap shop/a is also defined in prod/api/shop/a.yaml:1');
  });

  it('with a parse cache, reuses the objects of files whose text is the same and forgets removed files', () => {
    const cache: ParseCache = new Map();
    const first = desiredSet(rev({ 'web/shop/a.yaml': cm('a'), 'web/shop/b.yaml': cm('b') }), cache);
    const second = desiredSet(rev({ 'web/shop/a.yaml': cm('a'), 'web/shop/b.yaml': cm('c') }), cache);
    expect(second.objects[0].object).toBe(first.objects[0].object);
    expect(second.objects[1].ref.name).toBe('c');
    desiredSet(rev({ 'web/shop/a.yaml': cm('a') }), cache);
    expect([...cache.keys()]).toEqual(['prod/web/shop/a.yaml']);
  });
});

describe('desiredSet on hostile files', () => {
  it('refuses an alias bomb by the alias limit, with file and line', () => {
    const error = refusal({ 'web/shop/bomb.yaml': `${cm('a')}data:\n${BOMB.replace(/^/gm, '  ')}\n` });
    expect(error.message).toMatch(/prod\/web\/shop\/bomb\.yaml:\d+: more than 100 aliases/);
  });

  it('counts the aliases an alias repeats, and allows a few merge keys', () => {
    const ok = desiredSet(rev({ 'web/shop/a.yaml': `${cm('a')}spec:\n  base: &b {k: v}\n  one: {<<: *b}\n  two: {<<: *b}\n` }));
    expect(ok.objects[0].object.spec).toEqual({ base: { k: 'v' }, one: { k: 'v' }, two: { k: 'v' } });
    const limits = { ...DEFAULT_LIMITS, yamlAliases: 10 };
    const nested = `${cm('a')}spec:\n  y: &y v\n  x: &x [*y, *y, *y]\n  z: [*x, *x]\n`; // 3 + 2 × (1 + 3) = 11
    expect(refusal({ 'web/shop/a.yaml': nested }, limits).message).toMatch(/a\.yaml:10: more than 10 aliases/);
  });

  it('refuses aliases that make a document larger than one request, without expanding them', () => {
    const base = Array.from({ length: 1000 }, (_, i) => `    k${i}: v`).join('\n');
    const text = `${cm('a')}spec:\n  base: &b\n${base}\n  copies: [${Array(20).fill('*b').join(', ')}]\n`;
    const error = refusal({ 'web/shop/a.yaml': text }, { ...DEFAULT_LIMITS, fileBytes: 20_000 });
    expect(error.message).toMatch(/a\.yaml:\d+: its aliases make it larger than 20000 bytes, more than the API server accepts for one request \(the fileBytes limit\)/);
  });

  it('reads a map of 50,000 keys in linear time (the duplicate-key check was quadratic)', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: v`).join('\n');
    const started = Date.now();
    expect(Object.keys(desiredSet(rev({ 'web/shop/a.yaml': `${cm('a')}data:\n${keys}\n` })).objects[0].object.data as object)).toHaveLength(50_000);
    expect(Date.now() - started).toBeLessThan(40_000); // 108 s before (the yaml library compares each key with all before it); 1 s now, loose for a loaded CI machine
  }, 60_000);

  it('refuses a document nested deeper than the depth limit as soon as it gets there, without overflowing the stack', () => {
    const flow = `${cm('a')}data: ${'['.repeat(1_500_000)}${']'.repeat(1_500_000)}\n`; // 3 MB, the file limit
    expect(refusal({ 'web/shop/deep.yaml': flow }).message).toMatch(/deep\.yaml:7: nested more than 64 levels deep \(the yamlDepth limit\)/);
    const block = `${cm('a')}spec:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} v\n`;
    expect(refusal({ 'web/shop/deep.yaml': block }).message).toMatch(/nested more than 64 levels deep/);
    const fine = `${cm('a')}spec:\n${Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} v\n`;
    expect(desiredSet(rev({ 'web/shop/ok.yaml': fine })).objects).toHaveLength(1);
  });

  it('refuses 250,000 documents in one file at the objects limit, naming the file and line where it was crossed', () => {
    const many = Array.from({ length: 250_000 }, (_, i) => cm(`c${i}`)).join('---\n');
    const error = refusal({ 'web/shop/many.yaml': `${many}---\n: broken: [\n` });
    expect(error.message).toContain('prod/web/shop/many.yaml:175000: more than 25000 objects in the revision (the objects limit');
    expect(error.message).not.toContain('broken'); // it stopped reading there: time and memory stay bounded
  }, 60_000);

  it('counts empty documents against the objects limit too: they cost time to read', () => {
    const limits = { ...DEFAULT_LIMITS, objects: 1000 };
    expect(refusal({ 'web/shop/a.yaml': '---\n'.repeat(786_000) }, limits).message).toContain('prod/web/shop/a.yaml:1001: more than 1000 objects');
    expect(desiredSet(rev({ 'web/shop/a.yaml': `---\n${cm('a')}---\n` }), undefined, { ...limits, objects: 2 }).objects).toHaveLength(1);
  });

  it('counts objects across files and kind: List items against the objects limit', () => {
    const limits = { ...DEFAULT_LIMITS, objects: 3 };
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [0, 1].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `l${i}`, namespace: 'shop', labels: owners } })) });
    expect(desiredSet(rev({ 'web/shop/a.yaml': cm('a'), 'web/shop/b.json': list }), undefined, limits).objects).toHaveLength(3);
    const error = refusal({ 'web/shop/a.yaml': `${cm('a')}---\n${cm('b')}`, 'web/shop/b.yaml': `${cm('c')}---\n${cm('d')}` }, limits);
    expect(error.message).toContain('prod/web/shop/b.yaml:7: more than 3 objects in the revision (the objects limit');
  });

  it.each([
    ['ConfigMap', '"."'], ['ConfigMap', '".."'], ['ConfigMap', 'a/b'], ['ConfigMap', '"%2e"'], ['ConfigMap', '"a\\0b"'],
    ['ConfigMap', 'Upper'], ['Namespace', 'a.b'], ['Service', '1abc'], ['Role', '".."'], ['Role', 'a/b'], ['Role', '"a\\0b"'],
  ])('refuses a %s named %s, naming file, line and rule', (kind, name) => {
    const group = kind === 'Role' ? 'rbac.authorization.k8s.io/' : '';
    const error = refusal({ 'web/shop/a.yaml': cm('fine'), 'web/shop/x.yaml': `apiVersion: ${group}v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\n` });
    expect(error.message).toMatch(new RegExp(`prod/web/shop/x\\.yaml:1: metadata\\.name .* is invalid for a ${kind}: it must`));
  });

  it('accepts names each kind allows, and checks the namespace and apiVersion too', () => {
    const role = cm('"System:Reader"').replace('v1\nkind: ConfigMap', 'rbac.authorization.k8s.io/v1\nkind: Role');
    expect(desiredSet(rev({ 'web/shop/r.yaml': role, 'web/shop/c.yaml': cm('a.b') })).objects.map((o) => o.ref.name)).toEqual(['a.b', 'System:Reader']);
    expect(refusal({ 'web/shop/c.yaml': cm('a', '".."') }).message).toContain('prod/web/shop/c.yaml:1: metadata.namespace ".." is invalid: it must be a DNS-1123 label');
    expect(refusal({ 'web/shop/c.yaml': cm('a').replace('v1', 'a/../v1') }).message).toContain('apiVersion "a/../v1" is not an API group and version');
  });

  it('reads .json files and expands kind: List documents as kubectl does', () => {
    const item = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', labels: owners } });
    const set = desiredSet(rev({
      'web/shop/a.json': JSON.stringify(item('j')),
      'web/shop/b.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item('l1'), item('l2')] }),
      'web/shop/c.yaml': 'apiVersion: v1\nkind: ConfigMapList\nitems: null\n',
    }));
    expect(set.objects.map((o) => [o.ref.name, o.file])).toEqual([['j', 'prod/web/shop/a.json:1'], ['l1', 'prod/web/shop/b.yaml:1'], ['l2', 'prod/web/shop/b.yaml:1']]);
    const nested = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'List', items: [item('x')] }] });
    expect(refusal({ 'web/shop/n.yaml': nested }).message).toContain('prod/web/shop/n.yaml:1: the items of a List must be a list of objects, none of them a list');
  });
});

describe('desiredSet reads YAML 1.1 as kubectl does', () => {
  // Each expected value is what `kubectl label --local -f <file> a=b -o json` (kubectl 1.32) printed for it.
  it.each([
    ['yes', true], ['no', false], ['on', true], ['off', false], ['y', true], ['N', false], ['True', true], ['tRue', 'tRue'],
    ['0644', 420], ['0o644', 420], ['1_000', 1000], ['0x10', 16], ['0b101', 5], ['-0b11', -3], ['+12', 12], ['09', 9], ['0_10', 8],
    ['1e3', 1000], ['1.5e+3', 1500], ['.5', 0.5], ['0.', 0], ['~', null], ['Null', null], ['1:20', '1:20'],
    ['2024-01-02', '2024-01-02'], ['2024-01-02T10:00:00Z', '2024-01-02T10:00:00Z'], ['"yes"', 'yes'], ['!!str 0644', '0644'], ['!!int "12"', 12],
  ])('%s', (written, value) => {
    const set = desiredSet(rev({ 'web/shop/a.yaml': `${cm('a')}spec:\n  v: ${written}\n` }));
    expect(set.objects[0].object.spec).toEqual({ v: value });
  });

  it('turns keys into strings as kubectl does', () => {
    const set = desiredSet(rev({ 'web/shop/a.yaml': `${cm('a')}spec:\n  on: a\n  0644: b\n  <<: {c: d}\n` }));
    expect(set.objects[0].object.spec).toEqual({ true: 'a', 420: 'b', c: 'd' });
  });

  it.each([
    ['.inf', '.inf is not a number JSON can hold'], ['-.Inf', 'is not a number JSON can hold'], ['.nan', 'is not a number JSON can hold'],
    ['1e400', 'too large for a number'], ['12345678901234567890', 'too large to be read exactly'],
    ['!!binary aGVsbG8=', 'Unresolved tag'], ['!!set {a}', 'Unresolved tag'], ['!custom x', 'Unresolved tag'],
    ['*nope', 'alias *nope has no anchor &nope before it'], ['&a [*a]', 'alias *a is inside the node it repeats'],
    ['{~: x}', 'a map key must be a string, number or boolean'], ['{[a]: x}', 'a map key must be'], ['{a: 1, a: 2}', 'the key "a" stands twice in one map'], ['{on: 1, "true": 2}', 'the key "true" stands twice'],
  ])('refuses %s, naming file and line', (written, says) => {
    expect(refusal({ 'web/shop/a.yaml': `${cm('a')}spec:\n  v: ${written}\n` }).message).toMatch(new RegExp(`prod/web/shop/a\\.yaml:8: .*${says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('refuses a label or annotation that is not a string, saying to quote it', () => {
    const annotated = (value: string) => `${cm('a')}  annotations:\n    note: ${value}\n`;
    expect(refusal({ 'web/shop/a.yaml': annotated('on') }).message).toContain('prod/web/shop/a.yaml:1: metadata.annotations.note is true, not a string: quote it');
    expect(refusal({ 'web/shop/a.yaml': cm('a').replace('labels: {', 'labels: {port: 0644, ') }).message).toContain('metadata.labels.port is 420, not a string');
    expect(refusal({ 'web/shop/a.yaml': cm('a').replace(/labels: .*\n/, 'labels: tier\n') }).message).toContain('metadata.labels must be a map of strings');
    expect(desiredSet(rev({ 'web/shop/a.yaml': annotated('"on"') })).objects[0].object.metadata.annotations).toEqual({ note: 'on' });
  });

  it('refuses a %YAML 1.2 document, as kubectl does', () => {
    expect(refusal({ 'web/shop/a.yaml': `%YAML 1.2\n---\n${cm('a')}` }).message).toContain('prod/web/shop/a.yaml:2: %YAML 1.2: kubectl reads YAML 1.1 only');
  });
});
