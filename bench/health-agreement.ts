// Agreement figure (node bin/run-ts.js bench/health-agreement.ts): on the custom-resource family
// fixtures, how often our verdict matches Argo CD's resource customizations, for the whole health
// lookup and for the generic (kstatus) check alone; then the kinds covered and fixtures per kind.
import { join } from 'node:path';
import { groupOf } from '../core/kinds.ts';
import { assessHealth, coveredKinds } from '../agent/health/index.ts';
import { genericHealth } from '../agent/health/generic.ts';
import { FIXTURE_NOW, familyCases } from '../agent/health/testdata/cases.ts';
import type { Health } from '../agent/health/types.ts';
import type { K8sObject } from '../agent/types.ts';
import { repoRoot } from './repo-root.ts';

const all = familyCases(join(repoRoot, 'agent', 'health', 'testdata', 'families'));
const cases = all.filter((c) => c.reference !== undefined);

function agreement(name: string, verdict: (object: K8sObject) => string): void {
  const agreeing = cases.filter((c) => verdict(c.object) === c.reference).length;
  console.log(`${name}: ${agreeing} of ${cases.length} fixtures agree with Argo CD (${((100 * agreeing) / cases.length).toFixed(0)}%)`);
}
const safely = (check: (o: K8sObject) => Health) => (o: K8sObject) => {
  try { return check(o).status; } catch { return 'threw'; }
};

agreement('health lookup', safely((o) => assessHealth(o, { now: FIXTURE_NOW })));
agreement('generic check alone', safely((o) => genericHealth(o, { now: FIXTURE_NOW })));
const differing = cases.filter((c) => c.want !== c.reference);
console.log(`on purpose different (each rule file says why): ${differing.map((c) => `${c.family}: ${c.case}`).join('; ')}`);
const perKind = new Map<string, number>();
for (const c of all) {
  const key = `${groupOf(c.object.apiVersion)}/${c.object.kind}`;
  perKind.set(key, (perKind.get(key) ?? 0) + 1);
}
console.log(`kinds with a check of their own: ${coveredKinds().length}; family fixtures: ${all.length} over ${perKind.size} kinds`);
console.log([...perKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`).join('\n'));
