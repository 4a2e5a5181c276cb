// `gitops import --from-cluster`: the CRDs a cluster serves, read with the kubeconfig `gitops diff --live`
// uses, optionally only some groups and some CRDs (by name or kind).
import { KubeClient } from '../../agent/kube.ts';
import { loadConnection } from '../../agent/kubeconfig.ts';
import { UserInputError } from '../../core/errors.ts';
import { record, str } from '../validate/json.ts';
import type { K8sObject } from '../../core/types.ts';
import type { SourceDocument } from './crd.ts';

export interface ClusterFilter {
  readonly kubeconfig?: string;
  /** Only CRDs of these groups. */
  readonly groups?: readonly string[];
  /** Only these CRDs, by name (httproutes.gateway.networking.k8s.io) or kind (HTTPRoute). */
  readonly names?: readonly string[];
}

const CLUSTER_SOURCE = 'cluster';

export async function readCluster(filter: ClusterFilter): Promise<SourceDocument[]> {
  const crds = await new KubeClient(loadConnection(filter.kubeconfig)).list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
  const chosen = crds.filter((crd) => matches(crd, filter));
  if (chosen.length === 0) {
    const served = crds.map((c) => c.metadata.name ?? '').sort();
    throw new UserInputError(`no CustomResourceDefinition matches${filter.groups ? ` group ${filter.groups.join(', ')}` : ''}${filter.names ? ` name ${filter.names.join(', ')}` : ''}`, {
      object: 'gitops import --from-cluster',
      hint: served.length > 0 ? `The cluster has: ${served.slice(0, 20).join(', ')}${served.length > 20 ? `, … (${served.length})` : ''}.` : 'The cluster has no CRDs.',
    });
  }
  return chosen.map((crd) => ({ source: CLUSTER_SOURCE, where: `${CLUSTER_SOURCE}: CustomResourceDefinition ${crd.metadata.name}`, value: crd }));
}

function matches(crd: K8sObject, filter: ClusterFilter): boolean {
  const spec = record(crd.spec);
  const group = str(spec?.group) ?? '';
  const kind = str(record(spec?.names)?.kind) ?? '';
  if (filter.groups && !filter.groups.includes(group)) return false;
  return !filter.names || filter.names.some((n) => n === crd.metadata.name || n.toLowerCase() === kind.toLowerCase());
}
