// Crossplane: managed resources (any kind of a *.upbound.io or *.crossplane.io provider group)
// report Synced (the last reconcile reached the external API), LastAsyncOperation (the provider's
// last create or update call) and Ready (the external resource is usable: False while it is
// created, changed or deleted); a provider's config kinds (ProviderConfig, ...) carry no
// conditions. Packages (Provider, Configuration, Function) report Installed and Healthy.
// Where we differ from Argo CD on purpose: the crossplane.io/paused annotation is Suspended.
import type { K8sObject } from '../types.ts';
import { conditionOf, conditionsIn, explain, health, isFalse, isRecord, isTrue } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

// Crossplane's own API groups, which hold no managed resources.
const CORE_GROUPS = new Set(['pkg.crossplane.io', 'apiextensions.crossplane.io', 'protection.crossplane.io', 'ops.crossplane.io']);

/** True for the groups of Crossplane providers, whose kinds are managed resources. */
export function isCrossplaneManaged(group: string): boolean {
  return (group.endsWith('.upbound.io') || group.endsWith('.crossplane.io')) && !CORE_GROUPS.has(group);
}

function paused(object: K8sObject): boolean {
  return isRecord(object.metadata.annotations) && object.metadata.annotations['crossplane.io/paused'] === 'true';
}

// A provider's own configuration kinds: no conditions to wait for.
const CONFIG_KINDS = new Set(['ProviderConfig', 'ClusterProviderConfig', 'ProviderConfigUsage', 'ClusterProviderConfigUsage', 'StoreConfig']);

export function crossplaneManagedHealth(object: K8sObject): Health {
  if (paused(object)) return health(object, 'Suspended', 'reconciliation paused');
  for (const type of ['Synced', 'LastAsyncOperation']) {
    const failed = conditionOf(object, type);
    if (isFalse(failed)) return health(object, 'Degraded', `${type === 'Synced' ? 'not synced' : 'last operation failed'}: ${explain(failed!)}`);
  }
  if (CONFIG_KINDS.has(object.kind) && conditionsIn(object.status).length === 0) return health(object, 'Healthy', 'provider configuration');
  const ready = conditionOf(object, 'Ready');
  if (isTrue(ready)) return health(object, 'Healthy', 'ready');
  return health(object, 'Progressing', ready ? `not ready: ${explain(ready)}` : 'waiting for the provider to make it ready');
}

function packageHealth(object: K8sObject): Health {
  if (paused(object)) return health(object, 'Suspended', 'reconciliation paused');
  const installed = conditionOf(object, 'Installed');
  const healthy = conditionOf(object, 'Healthy');
  if (isFalse(healthy)) return health(object, 'Degraded', `unhealthy: ${explain(healthy!)}`);
  if (isTrue(installed) && isTrue(healthy)) return health(object, 'Healthy', 'installed and healthy');
  if (isFalse(installed) && !/Unpack|Install|Activ|Inactive/.test(installed!.reason ?? '')) return health(object, 'Degraded', `not installed: ${explain(installed!)}`);
  return health(object, 'Progressing', installed ? `installing: ${explain(installed)}` : 'waiting for the package manager');
}

export const crossplaneChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  ['Provider', 'Configuration', 'Function'].map((kind) => [`pkg.crossplane.io/${kind}`, packageHealth]),
);
