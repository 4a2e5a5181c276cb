// Health of an Ingress: Healthy once created. We do not wait for an address, because many
// ingress controllers never publish one in the status (and some clusters have none); the message
// says whether one is there.
import type { K8sObject } from '../types.ts';
import { health } from './read.ts';
import { addressesOf } from './service.ts';
import type { Health } from './types.ts';

export function ingressHealth(object: K8sObject): Health {
  const addresses = addressesOf(object);
  return health(object, 'Healthy', addresses ? `address ${addresses}` : 'no address published');
}
