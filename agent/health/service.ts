// Health of a Service: a LoadBalancer waits for its address; every other type is ready once created.
import type { K8sObject } from '../types.ts';
import { health, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

export interface LoadBalancerStatus { loadBalancer: { ingress?: { ip?: string; hostname?: string }[] } }

export function serviceHealth(object: K8sObject): Health {
  const type = specOf<{ type: string }>(object).type ?? 'ClusterIP';
  if (type !== 'LoadBalancer') return health(object, 'Healthy', type);
  const addresses = addressesOf(object);
  if (addresses) return health(object, 'Healthy', `load balancer at ${addresses}`);
  // An entry without ip or hostname is still a provisioned load balancer: some controllers write
  // `[{}]` (or only ipMode/ports) for one reached another way; it will never gain an address.
  const ingress = statusOf<LoadBalancerStatus>(object).loadBalancer?.ingress;
  if (Array.isArray(ingress) && ingress.length > 0) return health(object, 'Healthy', 'load balancer provisioned (no address published)');
  return health(object, 'Progressing', 'waiting for a load balancer address');
}

/** The published load balancer IPs and host names, comma-separated; '' when none. */
export function addressesOf(object: K8sObject): string {
  const ingress = statusOf<LoadBalancerStatus>(object).loadBalancer?.ingress;
  return (Array.isArray(ingress) ? ingress : []).map((i) => i?.ip ?? i?.hostname).filter(Boolean).join(', ');
}
