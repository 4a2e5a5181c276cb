// A hand-written file means the same to the agent as to `kubectl apply -f`: the same YAML 1.1 forms
// applied by kubectl in one namespace and by the reconciler in another give the same live objects,
// and a file kubectl refuses is refused by the agent too.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Revision } from '../../agent/types.ts';
import { reconcilerFor, uniqueName } from '../agent/harness.ts';
import { testNamespaceLabel, useTestNamespace } from '../setup/cluster.ts';

const run = promisify(execFile);
const ns = useTestNamespace({ prefix: 'yaml11' });

// Fields whose type shows how each form was read: 0x2 -> 2, yes/no/on -> booleans, 0644/0o600 -> 420/384,
// 1_200 -> 1200; unquoted timestamps and 1:20 stay strings; a merge key (<<) merges; `on:` as a key is "true".
const FORMS = (namespace: string, env: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: forms
  namespace: ${namespace}
  labels:
    tier: web
    typed-gitops.dev/app: forms
    typed-gitops.dev/env: ${env}
data:
  <<: {merged: "from a merge key"}
  on: key read as true
  "0644": quoted key
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: forms
  namespace: ${namespace}
  labels: {app: forms, typed-gitops.dev/app: forms, typed-gitops.dev/env: ${env}}
spec:
  replicas: 0x2
  paused: yes
  revisionHistoryLimit: 0o3
  progressDeadlineSeconds: 1_200
  selector:
    matchLabels: &labels {app: forms}
  template:
    metadata:
      labels: *labels
    spec:
      automountServiceAccountToken: no
      enableServiceLinks: on
      terminationGracePeriodSeconds: 010
      containers:
        - name: app
          image: registry.local/app:1.0.0
          args: [2024-01-02, 2024-01-02T10:00:00Z, 1:20, "yes", 0.5.1]
      volumes:
        - name: config
          configMap: {name: forms, defaultMode: 0644}
        - name: secret
          secret: {secretName: forms, defaultMode: 0o600, optional: Yes}
`;

/** What kubectl refuses, and so must we: the file and what the agent's error says. */
const REFUSED: ReadonlyArray<readonly [string, (namespace: string) => string, RegExp]> = [
  ['an annotation value on', (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: refused\n  namespace: ${n}\n  annotations:\n    enabled: on\n`,
    /refused\.yaml:1: metadata\.annotations\.enabled is true, not a string: quote it/],
  ['.inf', (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: refused\n  namespace: ${n}\ndata:\n  a: .inf\n`, /refused\.yaml:7: \.inf is not a number JSON can hold/],
  ['a %YAML 1.2 directive', (n) => `%YAML 1.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: refused\n  namespace: ${n}\n`, /refused\.yaml:2: %YAML 1\.2/],
];

async function kubectlApply(kubeconfig: string, text: string): Promise<void> {
  const pending = run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager=kubectl-side', '-f', '-']);
  pending.child.stdin?.end(text);
  await pending;
}

async function otherNamespace(kubeConfig: KubeConfig): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = uniqueName('yaml11-agent');
  await core.createNamespace({ body: { metadata: { name, labels: { [testNamespaceLabel]: 'true' } } } });
  onTestFinished(() => core.deleteNamespace({ name }).then(() => undefined));
  return name;
}

const revision = (env: string, files: Record<string, string>): Revision => ({ commit: 'c0ffee'.padEnd(40, '0'), env, files: new Map(Object.entries(files)) });
const withoutOwnerLabels = (labels: Record<string, string> = {}) => Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('typed-gitops.dev/')));

describe('YAML read like kubectl', () => {
  it('gives the same live objects as kubectl apply --server-side for YAML 1.1 forms written by hand', async () => {
    const agentNamespace = await otherNamespace(ns.kubeConfig);
    const env = uniqueName('env');
    await kubectlApply(ns.kubeconfigPath, FORMS(ns.name, env));
    const result = await reconcilerFor(env, ns.name).reconcile(revision(env, { [`forms/${agentNamespace}/forms.yaml`]: FORMS(agentNamespace, env) }));
    expect(result.errors).toEqual([]);

    const core = ns.kubeConfig.makeApiClient(CoreV1Api), apps = ns.kubeConfig.makeApiClient(AppsV1Api);
    const [byKubectl, byAgent] = await Promise.all([ns.name, agentNamespace].map(async (namespace) => {
      const cm = await core.readNamespacedConfigMap({ name: 'forms', namespace });
      const deploy = await apps.readNamespacedDeployment({ name: 'forms', namespace });
      return { data: cm.data, labels: withoutOwnerLabels(cm.metadata?.labels), spec: deploy.spec, deployLabels: withoutOwnerLabels(deploy.metadata?.labels) };
    }));
    expect(byAgent).toEqual(byKubectl);
    // And what kubectl made of it, so that a change in both would not pass unseen.
    expect(byKubectl.data).toEqual({ merged: 'from a merge key', true: 'key read as true', '0644': 'quoted key' });
    expect(byKubectl.spec).toMatchObject({ replicas: 2, paused: true, revisionHistoryLimit: 3, progressDeadlineSeconds: 1200 });
    expect(byKubectl.spec?.template.spec).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: true, terminationGracePeriodSeconds: 8 });
    expect(byKubectl.spec?.template.spec?.containers[0].args).toEqual(['2024-01-02', '2024-01-02T10:00:00Z', '1:20', 'yes', '0.5.1']);
    expect(byKubectl.spec?.template.spec?.volumes?.map((v) => v.configMap?.defaultMode ?? v.secret?.defaultMode)).toEqual([420, 384]);
  }, 60_000);

  it.each(REFUSED)('refuses %s as kubectl does, and nothing is created', async (_, file, says) => {
    await expect(kubectlApply(ns.kubeconfigPath, file(ns.name))).rejects.toThrow();
    const env = uniqueName('env');
    const result = await reconcilerFor(env, ns.name).reconcile(revision(env, { [`forms/${ns.name}/refused.yaml`]: file(ns.name) }));
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(says);
    const names = (await ns.kubeConfig.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns.name })).items.map((c) => c.metadata?.name);
    expect(names).not.toContain('refused');
  }, 60_000);
});
