// render: one YAML file per object, and a manifest.json in the bytes of JSON.stringify(…, null, 2).
import { describe, expect, it } from 'vitest';
import { render } from './render.ts';
import type { SynthObject } from './types.ts';

const object = (kind: string, name: string, namespace = ''): SynthObject => ({
  ref: { group: kind === 'Deployment' ? 'apps' : '', kind, namespace, name },
  object: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
  app: 'web', env: 'dev', sourceFile: 'apps/web.ts', constructPath: `web/${name}`,
});

describe('render', () => {
  it('writes the manifest as JSON.stringify would, sorted by path, and an empty one for an environment without objects', () => {
    const objects = [object('Deployment', 'web', 'shop'), object('Namespace', 'shop'), object('ConfigMap', 'say "hi"\n', 'shop')];
    const tree = render(objects, [{ env: 'dev' }, { env: 'prod' }]);
    for (const env of ['dev', 'prod']) {
      const text = tree.files.get(`${env}/manifest.json`)!;
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
    expect(JSON.parse(tree.files.get('dev/manifest.json')!).objects.map((e: { path: string }) => e.path)).toEqual([
      'web/_cluster/namespace-shop.yaml', 'web/shop/configmap-say "hi"\n.yaml', 'web/shop/deployment-web.yaml',
    ]);
    expect(JSON.parse(tree.files.get('prod/manifest.json')!).objects).toEqual([]);
    expect(tree.files.get('dev/web/shop/deployment-web.yaml')).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n');
  });

  it('gives the same tree when the same objects are rendered again (the watch-mode cache)', () => {
    const objects = [object('Deployment', 'web', 'shop'), object('Namespace', 'shop')];
    const first = render(objects, [{ env: 'dev' }]);
    expect(render(objects, [{ env: 'dev' }]).files).toEqual(first.files);
  });
});
