// render: one YAML file per object with its owner labels, and <env>.manifest.json in the bytes of JSON.stringify(…, null, 2).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UserInputError } from '../core/errors.ts';
import { render } from './render.ts';
import type { SynthObject } from '../core/types.ts';

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
      const text = tree.files.get(`${env}.manifest.json`)!;
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
    expect(JSON.parse(tree.files.get('dev.manifest.json')!).objects.map((e: { path: string }) => e.path)).toEqual([
      'web/_cluster/namespace-shop.yaml', 'web/shop/configmap-say "hi"\n.yaml', 'web/shop/deployment-web.yaml',
    ]);
    expect(JSON.parse(tree.files.get('prod.manifest.json')!).objects).toEqual([]);
    expect(tree.files.get('dev/web/shop/deployment-web.yaml')).toBe(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    typed-gitops.dev/app: web\n    typed-gitops.dev/env: dev\n  name: web\n  namespace: shop\n');
    expect([...tree.files.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual(['dev.manifest.json', 'prod.manifest.json']);
  });

  it("adds the owner labels to each object's own labels only, never to its pod template, and keeps the app's labels", () => {
    const deployment = object('Deployment', 'web', 'shop');
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [] } };
    const labelled = { ...deployment, object: { ...deployment.object, metadata: { ...deployment.object.metadata, labels: { app: 'web', 'typed-gitops.dev/env': 'dev' } }, spec: { template } } };
    const rendered = parse(render([labelled], [{ env: 'dev' }]).files.get('dev/web/shop/deployment-web.yaml')!);
    expect(rendered.metadata.labels).toEqual({ app: 'web', 'typed-gitops.dev/app': 'web', 'typed-gitops.dev/env': 'dev' });
    expect(rendered.spec.template).toEqual(template);
    expect(labelled.object.metadata.labels).toEqual({ app: 'web', 'typed-gitops.dev/env': 'dev' }); // the synthesized object is left as it was
  });

  it('refuses objects whose own owner labels name another app or environment, naming app, file and object', () => {
    const cm = object('ConfigMap', 'settings', 'shop');
    const other = { ...cm, object: { ...cm.object, metadata: { ...cm.object.metadata, labels: { 'typed-gitops.dev/app': 'api', 'typed-gitops.dev/env': 'dev' } } } };
    let error: unknown;
    try { render([other, object('Namespace', 'shop')], [{ env: 'dev' }]); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toBe('1 object(s) set owner labels of another app or environment; nothing was written:\n'
      + '  app web (apps/web.ts), ConfigMap shop/settings: it sets typed-gitops.dev/app="api", but it is rendered for app web in environment dev');
  });

  it('gives the same tree when the same objects are rendered again (the watch-mode cache)', () => {
    const objects = [object('Deployment', 'web', 'shop'), object('Namespace', 'shop')];
    const first = render(objects, [{ env: 'dev' }]);
    expect(render(objects, [{ env: 'dev' }]).files).toEqual(first.files);
  });
});
