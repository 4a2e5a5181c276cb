// External Secrets Operator: ExternalSecret, ClusterExternalSecret, SecretStore and
// ClusterSecretStore; each reports one Ready condition (False with SecretSyncedError when the
// provider refuses, InvalidProviderConfig or ValidationFailed for a store).
import type { HealthCheck } from './types.ts';
import { decisiveCondition } from './generic.ts';

const GROUP = 'external-secrets.io';
const CONTROLLER = 'external-secrets';

export const externalSecretsChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  ['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore'].map((kind) => [`${GROUP}/${kind}`, (o) => decisiveCondition(o, CONTROLLER)]),
);
