// The plane's default StorageClass: kube-controller-manager's built-in host-path provisioner
// (--enable-hostpath-provisioner) makes a folder under /tmp/hostpath_pv/ for each claim, so the
// example redis StatefulSet's claim binds and its pod is scheduled. Deleting the claim deletes the
// volume and its folder (reclaim policy Delete); stopping the plane removes those left.
import { normalize } from 'node:path';
import { apiRequest, type ApiCredentials } from './api-request.js';
export const defaultStorageClassName = 'host-path';

export function defaultStorageClassManifest(): object {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: defaultStorageClassName, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kubernetes.io/host-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** Where the host-path provisioner makes its folders (fixed in kube-controller-manager). */
const provisionerFolder = '/tmp/hostpath_pv/';

/** Host-path folders of this plane's volumes, read before it stops: they would outlive it. */
export async function volumeFolders(server: string, admin: ApiCredentials): Promise<string[]> {
  const res = await apiRequest(`${server}/api/v1/persistentvolumes`, admin).catch(() => undefined);
  if (res?.status !== 200) return [];
  const list = JSON.parse(res.body) as { items: { spec?: { hostPath?: { path?: string } } }[] };
  const paths = list.items.map((pv) => normalize(pv.spec?.hostPath?.path ?? ''));
  return paths.filter((p) => p.startsWith(provisionerFolder) && p.length > provisionerFolder.length);
}
