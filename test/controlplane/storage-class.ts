// The plane's default StorageClass: kube-controller-manager's built-in host-path provisioner
// (--enable-hostpath-provisioner) makes a folder under /tmp/hostpath_pv/ for each claim, so the
// example redis StatefulSet's claim binds and its pod is scheduled. Deleting the claim deletes the
// volume and its folder (reclaim policy Delete).
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
