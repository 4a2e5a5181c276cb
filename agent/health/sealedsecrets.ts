// Sealed Secrets: the controller sets Synced=False when it cannot unseal (no key could decrypt,
// a name or namespace that does not match the sealing scope), Synced=True once the Secret is written.
// Where we differ from Argo CD on purpose: no status is a grace period, then Healthy (controllers
// before v0.15 wrote no status), where Argo CD is Healthy at once; a status for an older
// generation (resealed, not yet unsealed again) is Progressing.
import type { K8sObject } from '../types.ts';
import { decisiveCondition, noStatusHealth } from './generic.ts';
import { statusOf } from './read.ts';
import type { Health, HealthCheck, HealthContext } from './types.ts';

function sealedSecretHealth(object: K8sObject, context: HealthContext): Health {
  if (Object.keys(statusOf(object)).length === 0) return noStatusHealth(object, context);
  return decisiveCondition(object, 'the sealed-secrets controller', 'Synced');
}

export const sealedSecretsChecks: Readonly<Record<string, HealthCheck>> = { 'bitnami.com/SealedSecret': sealedSecretHealth };
