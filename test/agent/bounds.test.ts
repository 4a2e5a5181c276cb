// What an environment may hold, against the real control plane: a revision with a cluster-admin
// binding, a privileged Pod in kube-system and a harmless ConfigMap is refused whole; one within applies.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, type Bounds } from '../../core/bounds.ts';
import type { K8sObject } from '../../agent/types.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, reconcilerFor, renderedYaml, revisionOf, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'bounds' });
afterAll(cleanUp);

function clusterAdminFor(name: string): K8sObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
  };
}

function privilegedPod(name: string): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kube-system' },
    spec: { hostPID: true, containers: [{ name: 'x', image: 'registry.local/x:1', securityContext: { privileged: true } }] },
  };
}

const notFound = { code: 404 };

describe('bounds', () => {
  it('refuses a revision with objects outside whole: nothing applied, each object and rule named; one within applies', async () => {
    const env = uniqueName('env');
    const [binding, pod] = [uniqueName('pwned'), uniqueName('root')];
    const bounds: Bounds = { ...DEFAULT_BOUNDS, namespaces: [ns.name] };
    const agent = reconcilerFor(env, ns.name, { bounds });
    const result = await agent.reconcile(revisionOf(env, { evil: [clusterAdminFor(binding), privilegedPod(pod), configMap(ns.name, 'harmless')] }));

    expect(result.ok).toBe(false);
    expect(result.changes).toEqual([]);
    expect(result.errors.join('\n')).toContain(`ClusterRoleBinding ${binding}: cluster-scoped kind rbac.authorization.k8s.io/ClusterRoleBinding is not allowed (allowed: Namespace) [cluster-kind-not-allowed]`);
    expect(result.errors.join('\n')).toContain(`evil/kube-system/pod-${pod}.yaml:1: Pod kube-system/${pod}: namespace 'kube-system' is not allowed (allowed: ${ns.name}) [namespace-not-allowed]`);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await expect(ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api).readClusterRoleBinding({ name: binding })).rejects.toMatchObject(notFound);
    await expect(core.readNamespacedPod({ name: pod, namespace: 'kube-system' })).rejects.toMatchObject(notFound);
    await expect(core.readNamespacedConfigMap({ name: 'harmless', namespace: ns.name })).rejects.toMatchObject(notFound);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(status.data!['result.json']).toContain(`ClusterRoleBinding ${binding}`);

    const within = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'harmless')] }));
    expect(within.errors).toEqual([]);
    expect(within.changes.map((c) => c.action)).toEqual(['created']);
  });
});

describe('gitops agent --once', () => {
  const gitops = (...args: string[]) => promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { cwd: tempDir('bounds-cwd-') });

  it('refuses a ClusterRoleBinding by default (of the cluster-scoped kinds only Namespace is allowed)', async () => {
    const env = uniqueName('env');
    const binding = uniqueName('pwned');
    const remote = renderedRemote();
    remote.commit({
      [`${env}/app/${ns.name}/configmap-settings.yaml`]: renderedYaml(env, 'app', configMap(ns.name, 'settings')),
      [`${env}/app/_cluster/clusterrolebinding-${binding}.yaml`]: renderedYaml(env, 'app', clusterAdminFor(binding)),
    });
    const common = ['--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--env', env];
    const failed = await gitops('agent', '--repo', remote.path, '--cache-dir', tempDir(), '--once', ...common).catch((e: { code: number }) => e);
    expect(failed).toMatchObject({ code: 1 });
    const { stdout } = await gitops('status', ...common).catch((e: { stdout: string }) => e);
    expect(stdout).toContain(`${env}/app/_cluster/clusterrolebinding-${binding}.yaml:1: ClusterRoleBinding ${binding}: cluster-scoped kind`);
    await expect(ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api).readClusterRoleBinding({ name: binding })).rejects.toMatchObject(notFound);
    await expect(ns.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'settings', namespace: ns.name })).rejects.toMatchObject(notFound);
  });
});
