// CSI snapshots: a VolumeSnapshot (and its VolumeSnapshotContent) is usable once readyToUse is
// true; status.error is the snapshotter's last failure, which it retries but rarely overcomes.
import type { K8sObject } from '../types.ts';
import { awaitingStatus } from './generic.ts';
import { health, isRecord, statusOf } from './read.ts';
import type { Health, HealthCheck } from './types.ts';

function snapshotHealth(object: K8sObject): Health {
  const waiting = awaitingStatus(object, 'the snapshot controller');
  if (waiting) return waiting;
  const status = statusOf<{ readyToUse: boolean; error: unknown }>(object);
  if (status.readyToUse === true) return health(object, 'Healthy', 'ready to use');
  if (isRecord(status.error)) return health(object, 'Degraded', `snapshot failed: ${String(status.error.message ?? 'no message')}`);
  return health(object, 'Progressing', 'not ready to use yet');
}

export const volumeSnapshotChecks: Readonly<Record<string, HealthCheck>> = {
  'snapshot.storage.k8s.io/VolumeSnapshot': snapshotHealth,
  'snapshot.storage.k8s.io/VolumeSnapshotContent': snapshotHealth,
};
