// Flux: Kustomization, HelmRelease and the sources (GitRepository, OCIRepository, HelmRepository,
// HelmChart, Bucket). Flux follows kstatus, so the generic conditions decide; Flux adds spec.suspend.
// Where we differ from Argo CD on purpose: Ready=False with a reason that is not a failure
// (DependencyNotReady, ArtifactInProgress) is Progressing, not Degraded.
import type { K8sObject } from '../types.ts';
import { awaitingStatus, conditionHealth } from './generic.ts';
import { health, specOf } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

function fluxHealth(object: K8sObject): Health {
  const spec = specOf<{ suspend: boolean; type: string }>(object);
  if (spec.suspend === true) return health(object, 'Suspended', 'reconciliation suspended');
  // Since Flux 2.1 an OCI HelmRepository is static: its controller writes no conditions.
  if (object.kind === 'HelmRepository' && spec.type === 'oci') return health(object, 'Healthy', 'OCI repository (static, not reconciled)');
  return awaitingStatus(object, 'Flux') ?? conditionHealth(object) ?? health(object, 'Progressing', 'waiting for a Ready condition');
}

const KINDS: Readonly<Record<string, readonly string[]>> = {
  'kustomize.toolkit.fluxcd.io': ['Kustomization'],
  'helm.toolkit.fluxcd.io': ['HelmRelease'],
  'source.toolkit.fluxcd.io': ['GitRepository', 'OCIRepository', 'HelmRepository', 'HelmChart', 'Bucket'],
};

export const fluxChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  Object.entries(KINDS).flatMap(([group, kinds]) => kinds.map((kind) => [`${group}/${kind}`, fluxHealth])),
);
