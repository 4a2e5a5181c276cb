// Gateway API: GatewayClass and Gateway (Accepted, Programmed; and per listener Accepted,
// ResolvedRefs, Programmed) and the routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute:
// Accepted and ResolvedRefs per parent), from the conditions the Gateway API spec defines.
// Where we differ from Argo CD on purpose: a Gateway condition written for an older generation is
// Progressing (the new listeners are not programmed yet).
import type { K8sObject } from '../types.ts';
import { staleCondition } from './generic.ts';
import { conditionsIn, explain, health, isRecord, statusOf, type Condition } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

const GROUP = 'gateway.networking.k8s.io';

/** Health from conditions that must all be True; `progress` lists the False reasons that mean "not yet". */
function allTrue(object: K8sObject, conditions: Condition[], types: string[], where = ''): Health | undefined {
  for (const type of types) {
    const c = conditions.find((x) => x.type === type);
    const stale = staleCondition(object, c);
    if (stale) return health(object, 'Progressing', `${where}${stale}`);
    if (!c || c.status === 'Unknown') return health(object, 'Progressing', `${where}${c ? `${type} pending: ${explain(c)}` : `waiting for ${type}`}`);
    if (c.status === 'False') {
      const pending = c.reason === 'Pending' || c.reason === 'AddressNotAssigned';
      return health(object, pending ? 'Progressing' : 'Degraded', `${where}not ${type.toLowerCase()}: ${explain(c)}`);
    }
  }
  return undefined;
}

function gatewayHealth(object: K8sObject): Health {
  const own = allTrue(object, conditionsIn(object.status), ['Accepted', 'Programmed']);
  if (own) return own;
  const listeners = statusOf<{ listeners: unknown[] }>(object).listeners;
  const verdicts = (Array.isArray(listeners) ? listeners.filter(isRecord) : [])
    .map((l) => allTrue(object, conditionsIn(l), ['Accepted', 'ResolvedRefs', 'Programmed'], `listener ${parentName(l)}: `));
  return verdicts.find((v) => v?.status === 'Degraded') ?? verdicts.find((v) => v !== undefined) ?? health(object, 'Healthy', 'accepted and programmed');
}

function gatewayClassHealth(object: K8sObject): Health {
  return allTrue(object, conditionsIn(object.status), ['Accepted']) ?? health(object, 'Healthy', 'accepted');
}

function routeHealth(object: K8sObject): Health {
  const parents = statusOf<{ parents: unknown[] }>(object).parents;
  const list = Array.isArray(parents) ? parents.filter(isRecord) : [];
  if (list.length === 0) return health(object, 'Progressing', 'not accepted by any parent yet');
  const verdicts = list.map((p) => allTrue(object, conditionsIn(p), ['Accepted', 'ResolvedRefs'], `parent ${parentName(p.parentRef)}: `));
  const degraded = verdicts.find((v) => v?.status === 'Degraded');
  return degraded ?? verdicts.find((v) => v !== undefined) ?? health(object, 'Healthy', `accepted by ${list.map((p) => parentName(p.parentRef)).join(', ')}`);
}

function parentName(ref: unknown): string {
  if (!isRecord(ref)) return '(unnamed)';
  const name = typeof ref.name === 'string' ? ref.name : '(unnamed)';
  return typeof ref.sectionName === 'string' ? `${name}/${ref.sectionName}` : name;
}

export const gatewayApiChecks: Readonly<Record<string, HealthCheck>> = {
  [`${GROUP}/GatewayClass`]: gatewayClassHealth,
  [`${GROUP}/Gateway`]: gatewayHealth,
  ...Object.fromEntries(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'].map((kind) => [`${GROUP}/${kind}`, routeHealth])),
};
