// Never throw: every check, fed objects of any shape (missing or mistyped metadata, spec and
// status; conditions, phases, parents and container statuses of the wrong types), gives a status
// and a message, and reads the shape without failing inside. Random but seeded, so a failure repeats.
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types.ts';
import { assessHealth, coveredKinds } from './index.ts';
import type { HealthStatus } from './types.ts';

const STATUSES: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
// Field names the checks read, so random objects reach deep into them.
const FIELDS = [
  'status', 'conditions', 'type', 'reason', 'message', 'observedGeneration', 'generation', 'phase', 'parents', 'parentRef', 'name',
  'containerStatuses', 'initContainerStatuses', 'state', 'lastState', 'terminated', 'waiting', 'exitCode', 'restartCount', 'ready',
  'replicas', 'updatedReplicas', 'availableReplicas', 'readyReplicas', 'loadBalancer', 'ingress', 'ip', 'paused', 'suspend',
  'readyToUse', 'error', 'failureReason', 'currentHealthy', 'desiredHealthy', 'annotations', 'deletionTimestamp', 'creationTimestamp',
  'severity', 'pauseConditions', 'abort', 'succeeded', 'active', 'failed', 'lastScheduleTime', 'restartPolicy', 'type', 'sectionName',
];
const WORDS = ['True', 'False', 'Unknown', 'Ready', 'Failed', 'Running', 'Healthy', 'Paused', 'Creating', 'Pending', '', 'x', '7d8f9c'];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  switch (Math.floor(random() * (depth > 4 ? 6 : 9))) {
    case 0: return null;
    case 1: return undefined;
    case 2: return pick([0, 1, -1, 2.5, Number.NaN, 1e308]);
    case 3: return pick(WORDS);
    case 4: return random() < 0.5;
    case 5: return pick(['2026-11-26T07:21:03Z', 'not a time', '']);
    case 6: case 7: return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(FIELDS), randomValue(random, depth + 1)]));
    default: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  }
}

describe('assessHealth on malformed objects', () => {
  const kinds = [...coveredKinds(), 'example.com/Widget', 's3.aws.upbound.io/Bucket', '/ConfigMap'];
  it.each(kinds)('%s: a status and a message for 300 random shapes', (key) => {
    const random = prng([...key].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
    const [group, kind] = key.split('/') as [string, string];
    for (let i = 0; i < 300; i++) {
      const object = {
        apiVersion: group ? `${group}/v1` : 'v1', kind,
        ...(random() < 0.9 ? { metadata: random() < 0.7 ? { name: 'x', ...(randomValue(random, 3) as object) } : randomValue(random, 3) } : {}),
        spec: randomValue(random, 1), status: randomValue(random, 0),
      } as unknown as K8sObject;
      const health = assessHealth(object, { now: 0 });
      expect(STATUSES).toContain(health.status);
      expect(typeof health.message).toBe('string');
      // With metadata to go on, no check may fail inside either (which assessHealth would report as 'cannot assess').
      const metadata = (object as { metadata?: unknown }).metadata;
      if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) expect(health.message).not.toContain('cannot assess');
    }
  });
});
