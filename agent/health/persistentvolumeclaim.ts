// Health of a PersistentVolumeClaim: Bound, Pending (waiting for a volume, which with a
// WaitForFirstConsumer storage class lasts until a pod uses the claim), or Lost.
import type { K8sObject } from '../types.ts';
import { health, specOf, statusOf } from './read.ts';
import type { Health } from './types.ts';

export function persistentVolumeClaimHealth(object: K8sObject): Health {
  const volume = specOf<{ volumeName: string }>(object).volumeName;
  switch (statusOf<{ phase: string }>(object).phase) {
    case 'Bound':
      return health(object, 'Healthy', `bound to volume ${volume}`);
    case 'Lost':
      return health(object, 'Degraded', volume ? `volume ${volume} lost` : 'volume lost');
    default:
      return health(object, 'Progressing', 'waiting for a volume (Pending)');
  }
}
