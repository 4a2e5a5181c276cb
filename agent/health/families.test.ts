// The family checks on YAML fixtures written from each project's documented status shapes
// (testdata/families/<family>.yaml, one document per case: the object, the status we want, and
// what text the message must hold). Every family file and every kind in it is covered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../types.ts';
import { assessHealth } from './index.ts';
import type { HealthStatus } from './types.ts';

export interface FamilyCase {
  readonly family: string;
  readonly case: string;
  readonly want: HealthStatus;
  /** What Argo CD's resource customization says for the same shape (none for the generic check). */
  readonly reference?: HealthStatus;
  readonly says?: string;
  readonly object: K8sObject;
}

// Long after every fixture's creationTimestamp, so grace periods are over.
export const FIXTURE_NOW = Date.parse('2026-12-01T00:00:00Z');

export function familyCases(): FamilyCase[] {
  const folder = join(import.meta.dirname, 'testdata', 'families');
  return readdirSync(folder).sort().flatMap((file) => parseAllDocuments(readFileSync(join(folder, file), 'utf8'))
    .map((doc) => ({ family: file.replace(/\.yaml$/, ''), ...(doc.toJS() as Omit<FamilyCase, 'family'>) })));
}

describe('family checks on fixtures', () => {
  const cases = familyCases();
  it.each(cases.map((c) => [`${c.family}: ${c.case}`, c] as const))('%s', (_, c) => {
    const health = assessHealth(c.object, { now: FIXTURE_NOW });
    expect(health.status, health.message).toBe(c.want);
    expect(health.message.startsWith(`${c.object.kind} ${c.object.metadata.name}: `)).toBe(true);
    if (c.says) expect(health.message).toContain(c.says);
  });
});
