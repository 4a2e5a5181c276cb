// What a rejected dry run means for the rest of the set, without a cluster.
import { describe, expect, it } from 'vitest';
import { judge, type Rejection } from './dry-run.ts';
import type { DesiredObject } from './types.ts';

const rejection = (name: string, drift: boolean): Rejection => ({
  step: { op: 'apply', desired: { ref: { group: '', kind: 'Service', namespace: 'a', name } } as DesiredObject, exists: true, stage: 1, drift },
  reason: `${name}.yaml: invalid`,
});

describe('judge', () => {
  it('holds back only objects rejected for their live state (git did not change them)', () => {
    const verdict = judge([rejection('drifted', true)]);
    expect(verdict.stop).toBe(false);
    expect(verdict.changes).toEqual([expect.objectContaining({ action: 'failed', reason: expect.stringMatching(/^blocked by its live state: drifted\.yaml: invalid\. Git has not changed it/) })]);
  });

  it('stops the whole sync when the commit’s own content is rejected, naming each object with the server’s reason', () => {
    const verdict = judge([rejection('drifted', true), rejection('changed', false)]);
    expect(verdict.stop).toBe(true);
    expect(verdict.changes.map((c) => c.reason)).toEqual(['drifted.yaml: invalid', 'changed.yaml: invalid']);
  });
});
