// The RBAC the GitOpsAgent construct derives for the example project's dev environment, on a real
// control plane: as its ServiceAccount, everything of the environment (its own RBAC included) can be
// server-side applied and read as the agent does, and nothing outside it can be written.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAgentIdentity, kubectlWith, renderExample, type RenderedExample } from '../helpers/example-agent.ts';
import { useFreshControlPlane } from '../setup/cluster.ts';

const AGENT = 'system:serviceaccount:gitops-system:typed-gitops-agent-dev';

describe('the derived RBAC of the example dev environment', () => {
  const cluster = useFreshControlPlane();
  let example: RenderedExample;
  const kubectl = kubectlWith(() => cluster().kubeconfigPath);
  /** `kubectl auth can-i` as the agent: true or false (kubectl exits 1 for "no"). */
  const can = (...args: string[]) => kubectl('auth', 'can-i', '--as', AGENT, ...args).then(() => true, (error: { stdout?: string }) => {
    if (error.stdout?.trim() !== 'no') throw error;
    return false;
  });
  const applyAsAgent = (...fileArgs: string[]) => kubectl('apply', '--server-side', '--field-manager=typed-gitops', '--force-conflicts', '--as', AGENT, ...fileArgs);

  beforeAll(async () => {
    example = await renderExample('dev');
    await installAgentIdentity(kubectl, example);
    // The authorizer sees new bindings a moment later.
    for (let i = 0; i < 50 && !(await can('get', 'configmaps', '-n', 'gitops-system')); i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => example?.project.cleanup());

  it("applies the whole environment as the agent, its own RBAC and Deployment included", async () => {
    const out = await applyAsAgent(...example.files.flatMap((f) => ['-f', join(example.dist, f)]));
    expect(out).toContain('deployment.apps/storefront serverside-applied');
    expect(out).toContain('clusterrole.rbac.authorization.k8s.io/typed-gitops-agent-dev serverside-applied');
    expect(out).toContain('deployment.apps/typed-gitops-agent-dev serverside-applied');
  });

  it('reads, watches and prunes what the environment holds, and keeps its Lease, inventory, status and Events', async () => {
    const allowed = [
      ['watch', 'deployments.apps', '-n', 'shop'], ['list', 'statefulsets.apps', '-n', 'data'], ['delete', 'cronjobs.batch', '-n', 'ops'],
      ['patch', 'ingresses.networking.k8s.io', '-n', 'shop'], ['list', 'namespaces'], ['delete', 'namespace/shop'],
      ['create', 'configmaps', '-n', 'gitops-system'], ['delete', 'configmaps', '-n', 'gitops-system'], ['create', 'events', '-n', 'gitops-system'],
      ['create', 'leases.coordination.k8s.io', '-n', 'gitops-system'], ['update', 'lease/typed-gitops-dev', '-n', 'gitops-system'], ['get', '/apis/apps/v1'],
    ];
    for (const args of allowed) expect(await can(...args), args.join(' ')).toBe(true);
  });

  it('cannot bind itself more, nor write outside the environment', async () => {
    const refused = [
      ['create', 'clusterrolebindings'], ['patch', 'clusterrolebinding/cluster-admin'], ['create', 'roles', '-n', 'shop'],
      ['create', 'deployments.apps', '-n', 'kube-system'], ['create', 'configmaps', '-n', 'default'], ['delete', 'namespace/kube-system'],
      ['create', 'namespaces'], ['get', 'secrets', '-n', 'data'], // the environment holds a Secret in shop (api-payments), none in data
      ['create', 'deployments.apps', '-n', 'gitops-system'],
      ['update', 'lease/someone-else', '-n', 'gitops-system'], ['*', '*'],
    ];
    for (const args of refused) expect(await can(...args), args.join(' ')).toBe(false);
    const evil = join(example.project.root, 'evil.yaml');
    example.project.write('evil.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: evil }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\n'
      + `subjects: [{ kind: ServiceAccount, name: typed-gitops-agent-dev, namespace: gitops-system }]\n`);
    await expect(applyAsAgent('-f', evil)).rejects.toThrow(/forbidden/);
  });
});
