// GitOpsAgent through the synthConstruct helper: what it renders, its defaults, Secrets by reference.
import { describe, expect, it } from 'vitest';
import { Testing, Chart } from 'cdk8s';
import { formatRef, refOf } from '../core/kinds.ts';
import { GitOpsAgent, synthConstruct, type GitOpsAgentProps } from './index.ts';

const shop = [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop' }];
const agent = (props: Partial<GitOpsAgentProps> = {}) =>
  synthConstruct((scope) => new GitOpsAgent(scope, 'agent', { environment: 'dev', kinds: shop, repo: 'https://git.example.com/shop.git', ...props }));
const of = (objects: Array<Record<string, any>>, kind: string) => objects.filter((o) => o.kind === kind);

describe('GitOpsAgent', () => {
  it('renders its Namespace, ServiceAccount, RBAC, Deployment and Service with the documented defaults', () => {
    const objects = agent();
    expect(objects.map((o) => formatRef(refOf(o as never))).sort()).toEqual([
      'ClusterRole typed-gitops-agent-dev', 'ClusterRoleBinding typed-gitops-agent-dev', 'Deployment gitops-system/typed-gitops-agent-dev',
      'Namespace gitops-system', 'Role gitops-system/typed-gitops-agent-dev', 'Role shop/typed-gitops-agent-dev',
      'RoleBinding gitops-system/typed-gitops-agent-dev', 'RoleBinding shop/typed-gitops-agent-dev',
      'Service gitops-system/typed-gitops-agent-dev', 'ServiceAccount gitops-system/typed-gitops-agent-dev',
    ]);
    const pod = of(objects, 'Deployment')[0].spec.template.spec;
    const [container] = pod.containers;
    expect(of(objects, 'Deployment')[0].spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe('typed-gitops-agent-dev');
    expect(container.image).toBe('ghcr.io/typed-gitops/agent:0.1.0');
    expect(container.command).toBeUndefined(); // the image's entry point (Dockerfile)
    expect(container.args).toEqual(['agent', '--env', 'dev', '--namespace', 'gitops-system', '--listen', '0.0.0.0:9090', '--cache-dir', '/var/cache/typed-gitops']);
    expect(container.env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'GITOPS_REPO', value: 'https://git.example.com/shop.git' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.volumes).toEqual([{ name: 'cache', emptyDir: {} }, { name: 'tmp', emptyDir: {} }]);
    expect(of(objects, 'Service')[0].spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    expect(of(objects, 'ClusterRoleBinding')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'typed-gitops-agent-dev', namespace: 'gitops-system' }]);
  });

  it('adds a PodDisruptionBudget with more than one replica', () => {
    const objects = agent({ replicas: 2 });
    expect(of(objects, 'PodDisruptionBudget')[0].spec).toEqual({ minAvailable: 1, selector: { matchLabels: of(objects, 'Deployment')[0].spec.selector.matchLabels } });
    expect(of(agent(), 'PodDisruptionBudget')).toEqual([]);
  });

  it('references Secrets and the settings without rendering any, and passes the flags that use them', () => {
    const objects = agent({
      gitCredentials: { name: 'git-credentials' }, webhookSecret: { name: 'hook', key: 'token' }, verificationKeys: 'keys', platformKeys: 'platform-keys',
      settingsConfigMap: 'settings', branch: 'rendered', interval: '30s', serviceAccount: 'deployer', namespace: 'gitops',
    });
    expect(of(objects, 'Secret')).toEqual([]);
    const [container] = of(objects, 'Deployment')[0].spec.template.spec.containers;
    expect(container.env).toEqual([
      { name: 'HOME', value: '/tmp' },
      { name: 'GITOPS_REPO', valueFrom: { secretKeyRef: { name: 'git-credentials', key: 'url' } } },
      { name: 'GITOPS_WEBHOOK_SECRET', valueFrom: { secretKeyRef: { name: 'hook', key: 'token' } } },
    ]);
    expect(container.args.join(' ')).toBe('agent --env dev --namespace gitops --listen 0.0.0.0:9090 --cache-dir /var/cache/typed-gitops --branch rendered --interval 30s '
      + '--webhook-secret-env GITOPS_WEBHOOK_SECRET --service-account deployer --settings settings --verify-keys-secret keys --platform-keys-secret platform-keys');
    expect(container.volumeMounts.map((m: any) => m.name)).toEqual(['cache', 'tmp']); // keys and settings are read from the API, not mounted
    const notifying = of(agent({ notify: { url: { name: 'notify' }, secret: { name: 'notify', key: 'hmac' } } }), 'Deployment')[0].spec.template.spec.containers[0];
    expect(notifying.env.slice(2)).toEqual([
      { name: 'GITOPS_NOTIFY_URL', valueFrom: { secretKeyRef: { name: 'notify', key: 'url' } } },
      { name: 'GITOPS_NOTIFY_SECRET', valueFrom: { secretKeyRef: { name: 'notify', key: 'hmac' } } },
    ]);
    expect(notifying.args.join(' ')).toContain('--notify-url-env GITOPS_NOTIFY_URL --notify-secret-env GITOPS_NOTIFY_SECRET');
    expect(JSON.stringify(objects)).not.toContain('https://git.example.com');
    // Impersonating, it only reads the environment's kinds.
    expect(of(objects, 'Role').find((r) => r.metadata.namespace === 'shop')!.rules.filter((r: any) => r.apiGroups[0] === 'apps')).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }]);
    const own = of(objects, 'Role').find((r) => r.metadata.namespace === 'gitops')!.rules;
    expect(own).toContainEqual({ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['deployer'], verbs: ['impersonate'] });
    expect(own).toContainEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['keys', 'platform-keys'], verbs: ['get'] });
  });

  it('fails synth when it is not given the kinds, or cannot name a custom kind', () => {
    const app = Testing.app();
    new GitOpsAgent(new Chart(app, 'c'), 'agent', { environment: 'dev', kinds: undefined, repo: 'r' });
    new GitOpsAgent(new Chart(app, 'd'), 'agent', { environment: 'prod', kinds: [{ group: 'acme.dev', version: 'v1', kind: 'Widget', namespace: 'shop' }], repo: 'r' });
    expect(() => app.synth()).toThrow(/buildAfterOthers[\s\S]*no resource name known for acme\.dev\/Widget/);
  });
});
