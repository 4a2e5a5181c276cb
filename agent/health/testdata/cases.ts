// The family fixtures (testdata/families/<family>.yaml), for the tests and the agreement figure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../types.ts';
import type { HealthStatus } from '../types.ts';

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

/** `folder`: where the family files are (a bundled script has no import.meta.dirname of its own). */
export function familyCases(folder = join(import.meta.dirname, 'families')): FamilyCase[] {
  return readdirSync(folder).sort().flatMap((file) => parseAllDocuments(readFileSync(join(folder, file), 'utf8'))
    .map((doc) => ({ family: file.replace(/\.yaml$/, ''), ...(doc.toJS() as Omit<FamilyCase, 'family'>) })));
}
