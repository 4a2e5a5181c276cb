// The family checks on YAML fixtures written from each project's documented status shapes
// (testdata/families/<family>.yaml, one document per case: the object, the status we want, and
// what text the message must hold). Every family file and every kind in it is covered.
import { describe, expect, it } from 'vitest';
import { assessHealth } from './index.ts';
import { FIXTURE_NOW, familyCases } from './testdata/cases.ts';

describe('family checks on fixtures', () => {
  const cases = familyCases();
  it.each(cases.map((c) => [`${c.family}: ${c.case}`, c] as const))('%s', (_, c) => {
    const health = assessHealth(c.object, { now: FIXTURE_NOW });
    expect(health.status, health.message).toBe(c.want);
    expect(health.message.startsWith(`${c.object.kind} ${c.object.metadata.name}: `)).toBe(true);
    if (c.says) expect(health.message).toContain(c.says);
  });
});
