// The family checks on YAML fixtures written from each project's documented status shapes
// (testdata/families/<family>.yaml, one document per case: the object, the status we want, and
// what text the message must hold); every kind with a check of its own has at least one fixture.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { groupOf } from '../../core/kinds.ts';
import type { K8sObject } from '../types.ts';
import { assessHealth, coveredKinds } from './index.ts';
import { FIXTURE_NOW, familyCases } from './testdata/cases.ts';

describe('family checks on fixtures', () => {
  const cases = familyCases();
  it.each(cases.map((c) => [`${c.family}: ${c.case}`, c] as const))('%s', (_, c) => {
    const health = assessHealth(c.object, { now: FIXTURE_NOW });
    expect(health.status, health.message).toBe(c.want);
    expect(health.message.startsWith(`${c.object.kind} ${c.object.metadata.name}: `)).toBe(true);
    if (c.says) expect(health.message).toContain(c.says);
  });

  it('has a fixture for every kind with a check of its own', () => {
    const testdata = join(import.meta.dirname, 'testdata');
    const flat = readdirSync(testdata).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(testdata, f), 'utf8')) as K8sObject);
    const fixtured = new Set([...cases.map((c) => c.object), ...flat].map((o) => `${groupOf(o.apiVersion)}/${o.kind}`));
    expect(coveredKinds().filter((kind) => !fixtured.has(kind))).toEqual([]);
  });
});
