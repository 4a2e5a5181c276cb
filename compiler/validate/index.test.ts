import { describe, expect, it } from 'vitest';
import { validate } from './index.ts';
import { configMap, deployment, namespace, podSpec, service, synthObject, testConfig } from './testing.ts';

describe('validate', () => {
  const config = testConfig({
    environments: { prod: { values: {}, policies: { 'no-latest-image': 'error' } }, dev: { values: {}, policies: { 'no-latest-image': 'warn' } } },
  });
  const latest = deployment('web');
  podSpec(latest).containers[0].image = 'nginx:latest';
  const objects = ['dev', 'prod'].flatMap((env) => [
    synthObject(namespace('shop'), { env, app: 'team' }),
    synthObject(latest, { env }),
    synthObject(service('web', 'shop', { app: 'nope' }), { env }),
    synthObject(configMap('Bad_Name'), { env, app: 'api' }),
  ]);

  it('collects every finding of every environment, split into errors and warnings', () => {
    const report = validate(objects, config);
    expect(report.errors.map((d) => `${d.env} ${d.app} ${d.rule}`)).toEqual([
      'prod api invalid-name',
      'prod web policy/no-latest-image',
      'prod web service-selects-nothing',
      'dev api invalid-name',
      'dev web service-selects-nothing',
    ]);
    expect(report.warnings.map((d) => `${d.env} ${d.rule}`)).toEqual(['dev policy/no-latest-image']);
  });

  it('gives the same report whatever the order of the objects', () => {
    expect(validate([...objects].reverse(), config)).toEqual(validate(objects, config));
  });

  it('reports nothing for a valid set', () => {
    const valid = [namespace('shop'), deployment('web'), service('web'), configMap('settings')].map((o) => synthObject(o));
    expect(validate(valid, testConfig())).toEqual({ errors: [], warnings: [] });
  });
});
