// TeamNamespace: a Namespace for one team, with a ResourceQuota and default container limits.
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';

export interface TeamNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Team that owns the namespace (label 'team'). */
  readonly team: string;
  /** Total CPU requests allowed, in cores. @default 8 */
  readonly cpuCores?: number;
  /** Total memory requests allowed, in GiB. @default 16 */
  readonly memoryGiB?: number;
}

export class TeamNamespace extends Construct {
  readonly namespace: kplus.Namespace;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps) {
    super(scope, id);
    const labels = { team: props.team, 'app.kubernetes.io/managed-by': 'typed-gitops' };
    this.namespace = new kplus.Namespace(this, 'namespace', { metadata: { name: props.name, labels } });
    new kplus.k8s.KubeResourceQuota(this, 'quota', {
      metadata: { name: 'team-quota', namespace: props.name, labels },
      spec: {
        hard: {
          'requests.cpu': kplus.k8s.Quantity.fromString(String(props.cpuCores ?? 8)),
          'requests.memory': kplus.k8s.Quantity.fromString(`${props.memoryGiB ?? 16}Gi`),
        },
      },
    });
  }
}
