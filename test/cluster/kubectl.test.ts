// The installed kubectl works against the kubeconfig the control plane writes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestNamespace } from '../setup/cluster.js';

const run = promisify(execFile);

describe('kubectl', () => {
  const ns = useTestNamespace({ prefix: 'kubectl' });

  /** Runs kubectl against the test kubeconfig, optionally feeding it stdin. */
  const kubectl = async (args: string[], stdin?: string) => {
    const pending = run('kubectl', ['--kubeconfig', ns.kubeconfigPath, ...args]);
    pending.child.stdin?.end(stdin ?? '');
    return (await pending).stdout;
  };

  it('lists the Ready kwok node', async () => {
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items.map((n) => [n.metadata.name, n.status.conditions.find((c) => c.type === 'Ready')?.status])).toEqual([
      ['kwok-node-0', 'True'],
    ]);
  });

  it('server-side applies a manifest into the test namespace', async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-kubectl\n  namespace: ${ns.name}\ndata:\n  a: "1"\n`;
    expect(await kubectl(['apply', '--server-side', '--field-manager=typed-gitops', '-f', '-'], manifest)).toContain(
      'configmap/from-kubectl serverside-applied',
    );
    expect(await kubectl(['get', 'configmap', 'from-kubectl', '-n', ns.name, '-o', 'jsonpath={.data.a}'])).toBe('1');
  });
});
