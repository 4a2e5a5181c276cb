// The fake Node kwok manages: created bare, kwok fills in its status and renews
// its lease. It is Ready for scheduling once the Ready condition is True and the
// node lifecycle controller has lifted its not-ready/unreachable taints.
import { kwokNodeAnnotation } from './components.js';

export const fakeNodeName = 'kwok-node-0';

export function fakeNodeManifest(name: string = fakeNodeName): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation.key]: kwokNodeAnnotation.value, 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
  };
}

interface NodeView {
  spec?: { taints?: { key: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

const blockingTaints = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export function isSchedulable(nodeJson: string): boolean {
  const node = JSON.parse(nodeJson) as NodeView;
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const tainted = node.spec?.taints?.some((t) => blockingTaints.includes(t.key)) ?? false;
  return ready && !tainted;
}
