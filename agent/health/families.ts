// The checks of the custom-resource families people run, by 'group/Kind', one file per family.
import { argoRolloutsChecks } from './argorollouts.ts';
import { certManagerChecks } from './certmanager.ts';
import { cloudNativePgChecks } from './cloudnativepg.ts';
import { clusterApiChecks } from './clusterapi.ts';
import { crossplaneChecks } from './crossplane.ts';
import { externalSecretsChecks } from './externalsecrets.ts';
import { fluxChecks } from './flux.ts';
import { gatewayApiChecks } from './gatewayapi.ts';
import { karpenterChecks } from './karpenter.ts';
import { kedaChecks } from './keda.ts';
import { knativeChecks } from './knative.ts';
import { prometheusChecks } from './prometheus.ts';
import { sealedSecretsChecks } from './sealedsecrets.ts';
import type { HealthCheck } from './types.ts';
import { volumeSnapshotChecks } from './volumesnapshot.ts';

export { crossplaneManagedHealth, isCrossplaneManaged } from './crossplane.ts';

export const FAMILIES: readonly Readonly<Record<string, HealthCheck>>[] = [
  argoRolloutsChecks, certManagerChecks, cloudNativePgChecks, clusterApiChecks, crossplaneChecks, externalSecretsChecks, fluxChecks,
  gatewayApiChecks, karpenterChecks, kedaChecks, knativeChecks, prometheusChecks, sealedSecretsChecks, volumeSnapshotChecks,
];
