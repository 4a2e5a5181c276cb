// Parsing a rendered revision into the desired set.
import { describe, expect, it } from 'vitest';
import { desiredSet, type ParseCache } from './desired.ts';

const rev = (files: Record<string, string>) => ({ commit: 'abcdef0123456789', env: 'prod', files: new Map(Object.entries(files)) });

describe('desiredSet', () => {
  it('adds owner labels and hashes each object; manifest.json is not an object', () => {
    const set = desiredSet(rev({ 'web/shop/configmap-a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n', 'manifest.json': '{}' }));
    expect(set.objects).toHaveLength(1);
    expect(set.objects[0].object.metadata.labels).toEqual({ 'typed-gitops.dev/app': 'web', 'typed-gitops.dev/env': 'prod' });
    expect(set.objects[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses the whole revision, naming every bad file with its line', () => {
    const error = (() => {
      try {
        desiredSet(rev({
          'web/shop/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n',
          'web/shop/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n',
          'web/shop/c.yaml': 'kind: ConfigMap\nmetadata:\n  name: c\n',
          'api/shop/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n',
        }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('revision abcdef012345 of prod cannot be applied');
    expect(error?.message).toMatch(/prod\/web\/shop\/b\.yaml:\d+: /);
    expect(error?.message).toContain('prod/web/shop/c.yaml:1: object has no apiVersion');
    expect(error?.message).toContain('prod/web/shop/a.yaml:1: ConfigMap shop/a is also defined in prod/api/shop/a.yaml:1');
  });

  it('with a parse cache, reuses the objects of files whose text is the same and forgets removed files', () => {
    const cache: ParseCache = new Map();
    const a = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n';
    const first = desiredSet(rev({ 'web/shop/a.yaml': a, 'web/shop/b.yaml': a.replace('name: a', 'name: b') }), cache);
    const second = desiredSet(rev({ 'web/shop/a.yaml': a, 'web/shop/b.yaml': a.replace('name: a', 'name: c') }), cache);
    expect(second.objects[0].object).toBe(first.objects[0].object);
    expect(second.objects[1].ref.name).toBe('c');
    desiredSet(rev({ 'web/shop/a.yaml': a }), cache);
    expect([...cache.keys()]).toEqual(['prod/web/shop/a.yaml']);
  });
});
