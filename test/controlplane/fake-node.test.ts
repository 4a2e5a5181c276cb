// When the fake Node counts as ready for workloads.
import { describe, expect, it } from 'vitest';
import { isSchedulable } from './fake-node.js';

const node = (ready: string, taints: string[] = []) =>
  JSON.stringify({ spec: { taints: taints.map((key) => ({ key, effect: 'NoSchedule' })) }, status: { conditions: [{ type: 'Ready', status: ready }] } });

describe('isSchedulable', () => {
  it('needs Ready=True', () => {
    expect(isSchedulable(node('True'))).toBe(true);
    expect(isSchedulable(node('False'))).toBe(false);
    expect(isSchedulable('{}')).toBe(false);
  });

  it('waits for the not-ready taint to be lifted', () => {
    expect(isSchedulable(node('True', ['node.kubernetes.io/not-ready']))).toBe(false);
    expect(isSchedulable(node('True', ['example.com/other']))).toBe(true);
  });
});
