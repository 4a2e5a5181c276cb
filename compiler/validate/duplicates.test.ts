import { describe, expect, it } from 'vitest';
import { validate } from './index.ts';
import { configMap, namespace, synthObject, testConfig } from './testing.ts';

const twoEnvs = testConfig({ environments: { dev: { values: {} }, prod: { values: {} } } });

describe('duplicate-object', () => {
  it('names both apps and both source files', () => {
    const objects = [
      synthObject(namespace('shop'), { app: 'team' }),
      synthObject(configMap('settings'), { app: 'web', constructPath: 'web/settings' }),
      synthObject(configMap('settings'), { app: 'api', sourceFile: 'apps/api/index.ts', constructPath: 'api/config' }),
    ];
    const dups = validate(objects, twoEnvs).errors.filter((d) => d.rule === 'duplicate-object');
    expect(dups).toHaveLength(1);
    expect(dups[0]).toMatchObject({
      severity: 'error',
      env: 'dev',
      app: 'api',
      sourceFile: 'apps/api/index.ts',
      object: 'ConfigMap shop/settings',
      message: 'defined twice in environment dev: by app web (apps/web.ts, construct web/settings) and by app api (apps/api/index.ts, construct api/config)',
    });
  });

  it('allows the same object in two environments, in two namespaces, or as two kinds', () => {
    const objects = [
      synthObject(namespace('shop')),
      synthObject(namespace('shop'), { env: 'prod' }),
      synthObject(namespace('other')),
      synthObject(configMap('settings')),
      synthObject(configMap('settings'), { env: 'prod' }),
      synthObject(configMap('settings', {}, 'other')),
      synthObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'settings', namespace: 'shop' } }),
    ];
    expect(validate(objects, twoEnvs).errors.filter((d) => d.rule === 'duplicate-object')).toEqual([]);
  });
});
