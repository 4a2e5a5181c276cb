// Karpenter: a NodePool is Ready once its NodeClass is; a NodeClaim goes Launched, Registered,
// Initialized, then Ready. A NodeClaim that cannot launch (no capacity, a bad NodeClass) says so in
// Launched=False, which Karpenter retries with another claim; we call it Degraded for the claim.
import type { K8sObject } from '../types.ts';
import { awaitingStatus, decisiveCondition } from './generic.ts';
import { conditionOf, explain, health, isFalse, isTrue } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

const CONTROLLER = 'Karpenter';

function nodeClaimHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, CONTROLLER);
  if (waiting) return waiting;
  const ready = conditionOf(object, 'Ready');
  if (isTrue(ready)) return health(object, 'Healthy', 'ready');
  const launched = conditionOf(object, 'Launched');
  if (isFalse(launched) && /Insufficient|Error|Fail|NotFound|Invalid/.test(launched!.reason ?? '')) return health(object, 'Degraded', `not launched: ${explain(launched!)}`);
  for (const step of ['Launched', 'Registered', 'Initialized']) {
    const c = conditionOf(object, step);
    if (!isTrue(c)) return health(object, 'Progressing', c ? `not ${step.toLowerCase()}: ${explain(c)}` : `not ${step.toLowerCase()} yet`);
  }
  return health(object, 'Progressing', ready ? `not ready: ${explain(ready)}` : 'not ready yet');
}

export const karpenterChecks: Readonly<Record<string, HealthCheck>> = {
  'karpenter.sh/NodePool': (o) => decisiveCondition(o, CONTROLLER),
  'karpenter.sh/NodeClaim': nodeClaimHealth,
};
