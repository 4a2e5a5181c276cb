import { describe, expect, it } from 'vitest';
import { validate, objectFindings, objectRulesKey, primeObjectFindings } from './index.ts';
import { deployment, namespace, podSpec, synthObject, testConfig } from './testing.ts';

const config = testConfig({ environments: { dev: { values: {}, policies: { 'no-latest-image': 'warn' } } } });
const dev = config.environments[0]!;

function latestDeployment() {
  const d = deployment('web');
  podSpec(d).containers[0].image = 'nginx:latest';
  return synthObject(d);
}

describe('per-object findings', () => {
  it('are computed once per object and environment settings', () => {
    const o = latestDeployment();
    const first = objectFindings(o, dev);
    expect(first.map((d) => d.rule)).toEqual(['policy/no-latest-image']);
    expect(objectFindings(o, dev)).toBe(first);
    const strict = { ...dev, policies: { ...dev.policies, 'no-latest-image': 'error' as const } };
    expect(objectRulesKey(strict)).not.toBe(objectRulesKey(dev));
    expect(objectFindings(o, strict).map((d) => d.severity)).toEqual(['error']);
  });

  it('can be handed in from an earlier run, and validate reuses them', () => {
    const broken = latestDeployment();
    (broken.object as any).spec.replicas = 'two';
    primeObjectFindings(broken, objectRulesKey(dev), []);
    expect(validate([synthObject(namespace('shop')), broken], config)).toEqual({ errors: [], warnings: [] });
    // findings primed under another key (other settings) do not count
    primeObjectFindings(broken, 'stale', []);
    expect(validate([synthObject(namespace('shop')), broken], config).errors.map((d) => d.message)).toEqual(['spec.replicas: must be integer']);
  });
});
