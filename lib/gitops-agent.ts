// GitOpsAgent: the pull agent of one environment as an app of that environment — Namespace,
// ServiceAccount, RBAC derived from what the environment holds (agent-rbac.ts), Deployment, the
// webhook's Service and, with more than one replica, a PodDisruptionBudget. Secrets are only referenced.
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { agentRules, type OwnObject, type PolicyRule } from './agent-rbac.ts';
import type { RenderedKind } from './define-app.ts';
import { imageTag, standardLabels } from './labels.ts';
import type { ContainerResources } from './workload.ts';

const { k8s } = kplus;

/** A key of a Secret in the agent's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  /** @default as documented where it is used */
  readonly key?: string;
}

export interface GitOpsAgentProps {
  /** The environment this agent applies (`--env`). */
  readonly environment: string;
  /** What the environment's other apps render: `env.rendered` of an app with `buildAfterOthers: true`. */
  readonly kinds: readonly RenderedKind[] | undefined;
  /** Remote of the rendered branch, without credentials (use `gitCredentials` for a URL with a token). */
  readonly repo: string;
  /** @default the settings' branches.rendered, else 'rendered' */
  readonly branch?: string;
  /** Time between checks of the branch, e.g. '30s'. @default the settings' agent.interval, else 10s */
  readonly interval?: string;
  /** Agent image, with a tag or digest. @default 'ghcr.io/typed-gitops/agent:0.1.0' */
  readonly image?: string;
  /** @default 100m CPU (limit 1000m), 192 MiB memory (limit 512 MiB) */
  readonly resources?: ContainerResources;
  /** Port of the webhook, /healthz, /readyz, /status, /metrics and the web page. @default 9090 */
  readonly port?: number;
  /** Shared secret webhook calls must send or sign with. @default none: calls are not authenticated */
  readonly webhookSecret?: SecretKeyRef;
  /** Notifications (README): Secret keys of the receiver's URL (key default 'url') and of the signing key (key default 'secret'). @default none */
  readonly notify?: { readonly url: SecretKeyRef; readonly secret?: SecretKeyRef };
  /** A Secret key holding the repo URL with a token (key default 'url'), given as GITOPS_REPO instead of `repo`. @default none */
  readonly gitCredentials?: SecretKeyRef;
  /** Secret in the agent's namespace with the keys rendered commits must be signed with (key `allowed_signers`, keys `*.asc`), read by the agent (--verify-keys-secret). @default no verification */
  readonly verificationKeys?: string;
  /** Secret in the agent's namespace with the platform's keys (key `allowed_signers`, keys `*.asc`): a change to the agent's own objects is applied only from a commit one of them signed (--platform-keys-secret). @default none: only `gitops bootstrap` changes them */
  readonly platformKeys?: string;
  /** Secret in the agent's namespace whose keys ending `.agekey` hold the age identities that open the environment's EncryptedSecrets (--age-key-secret). @default none */
  readonly ageKeySecret?: string;
  /** ConfigMap in the agent's namespace with the environment's bounds (keys `namespaces`, `clusterKinds`, `deniedKinds`), read by the agent at each reconcile (--settings). @default none */
  readonly settingsConfigMap?: string;
  /** The agent's namespace (its objects, Lease, inventory, status). @default 'gitops-system' */
  readonly namespace?: string;
  /** @default 1 */
  readonly replicas?: number;
  /** ServiceAccount ('name' in the agent's namespace, or 'namespace/name') that writes the environment's objects; the agent then only reads them. @default none: the agent writes them */
  readonly serviceAccount?: string;
  /** 'cluster' lets the agent list and watch namespaced kinds across namespaces (an agent without namespaced mode). @default 'namespaces' */
  readonly readScope?: 'namespaces' | 'cluster';
  /** Plurals of custom kinds whose CRD is not in the environment, keyed 'group/Kind'. @default none */
  readonly plurals?: Readonly<Record<string, string>>;
}

const CACHE_DIR = '/var/cache/typed-gitops';
const RBAC = 'rbac.authorization.k8s.io';

export class GitOpsAgent extends Construct {
  /** Name of every object of the agent: 'typed-gitops-agent-<env>'. */
  readonly name: string;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: GitOpsAgentProps) {
    super(scope, id);
    this.name = `typed-gitops-agent-${props.environment}`;
    this.namespace = props.namespace ?? 'gitops-system';
    const labels = standardLabels({ app: 'gitops-agent', component: props.environment, version: imageTag(props.image ?? DEFAULT_IMAGE) || undefined });
    const meta = { name: this.name, namespace: this.namespace, labels };
    const replicas = props.replicas ?? 1;

    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: this.namespace, labels } });
    new k8s.KubeServiceAccount(this, 'service-account', { metadata: meta });
    new k8s.KubeDeployment(this, 'deployment', { metadata: meta, spec: deploymentSpec(this, props, selectorOf(labels), labels) });
    new k8s.KubeService(this, 'service', {
      metadata: meta,
      spec: { selector: selectorOf(labels), ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http') }] },
    });
    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: meta,
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorOf(labels) } },
      });
    }
    this.addRbac(props, labels, replicas > 1);
  }

  private addRbac(props: GitOpsAgentProps, labels: Record<string, string>, pdb: boolean): void {
    const input = {
      env: props.environment, namespace: this.namespace, kinds: props.kinds ?? [], readScope: props.readScope ?? 'namespaces',
      plurals: props.plurals, impersonate: this.impersonated(props),
      secrets: [props.verificationKeys, props.platformKeys, props.ageKeySecret].filter((s): s is string => !!s),
    } as const;
    // The Roles' namespaces are known only from the rules, and the rules include the Roles: derive twice.
    const draft = agentRules({ ...input, own: this.ownObjects([], pdb) });
    const rules = agentRules({ ...input, own: this.ownObjects([...draft.namespaces.keys()], pdb) });
    const subjects = [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }];
    const metadata = { name: this.name, labels };
    new k8s.KubeClusterRole(this, 'cluster-role', { metadata, rules: mutable(rules.cluster) });
    new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', { metadata, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: this.name }, subjects });
    for (const [namespace, namespaceRules] of rules.namespaces) {
      new k8s.KubeRole(this, `role-${namespace}`, { metadata: { ...metadata, namespace }, rules: mutable(namespaceRules) });
      new k8s.KubeRoleBinding(this, `role-binding-${namespace}`, { metadata: { ...metadata, namespace }, roleRef: { apiGroup: RBAC, kind: 'Role', name: this.name }, subjects });
    }
    if (props.kinds === undefined) this.node.addValidation({ validate: () => ['GitOpsAgent needs the environment\'s kinds: set `buildAfterOthers: true` in defineApp and pass `kinds: env.rendered`.'] });
    if (rules.unknownPlurals.length > 0) {
      this.node.addValidation({ validate: () => [`no resource name known for ${rules.unknownPlurals.join(', ')}: render its CustomResourceDefinition in the environment, or give GitOpsAgent's plurals (e.g. { '${rules.unknownPlurals[0]}': '<plural>' }).`] });
    }
  }

  /** What the agent renders for itself, by name: it keeps these up to date, so it may write them and no others of their kinds. */
  private ownObjects(roleNamespaces: readonly string[], pdb: boolean): OwnObject[] {
    const here = (group: string, kind: string): OwnObject => ({ group, kind, namespace: this.namespace, name: this.name });
    return [
      { group: '', kind: 'Namespace', namespace: '', name: this.namespace },
      here('', 'ServiceAccount'), here('apps', 'Deployment'), here('', 'Service'), ...(pdb ? [here('policy', 'PodDisruptionBudget')] : []),
      { group: RBAC, kind: 'ClusterRole', namespace: '', name: this.name },
      { group: RBAC, kind: 'ClusterRoleBinding', namespace: '', name: this.name },
      ...roleNamespaces.flatMap((namespace) => [
        { group: RBAC, kind: 'Role', namespace, name: this.name },
        { group: RBAC, kind: 'RoleBinding', namespace, name: this.name },
      ]),
    ];
  }

  private impersonated(props: GitOpsAgentProps): string | undefined {
    const sa = props.serviceAccount;
    return sa === undefined ? undefined : sa.includes('/') ? sa : `${this.namespace}/${sa}`;
  }
}

const DEFAULT_IMAGE = 'ghcr.io/typed-gitops/agent:0.1.0';

function deploymentSpec(agent: { readonly name: string; readonly namespace: string }, props: GitOpsAgentProps, selector: Record<string, string>, labels: Record<string, string>): kplus.k8s.DeploymentSpec {
  const port = props.port ?? 9090;
  const probe = (path: string) => ({ httpGet: { path, port: k8s.IntOrString.fromString('http') } });
  return {
    replicas: props.replicas ?? 1,
    selector: { matchLabels: selector },
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: agent.name,
        automountServiceAccountToken: true,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'agent',
          image: props.image ?? DEFAULT_IMAGE,
          // The image's entry point runs the bundle with the node flags of `npm run agent` (see Dockerfile).
          args: ['agent', ...agentArgs(props, agent.namespace, port)],
          env: agentEnv(props),
          ports: [{ name: 'http', containerPort: port }],
          // Ready once a cycle finished and the branch head was read recently (leader or standby); alive while it answers.
          readinessProbe: { ...probe('/readyz'), periodSeconds: 10 },
          livenessProbe: { ...probe('/healthz'), periodSeconds: 20, failureThreshold: 3 },
          resources: resourcesOf(props.resources),
          securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'cache', mountPath: CACHE_DIR }, { name: 'tmp', mountPath: '/tmp' },
          ],
        }],
        volumes: [
          { name: 'cache', emptyDir: {} }, { name: 'tmp', emptyDir: {} },
        ],
      },
    },
  };
}

function agentArgs(props: GitOpsAgentProps, namespace: string, port: number): string[] {
  return [
    '--env', props.environment,
    '--namespace', namespace,
    '--listen', `0.0.0.0:${port}`,
    '--cache-dir', CACHE_DIR,
    ...(props.branch ? ['--branch', props.branch] : []),
    ...(props.interval ? ['--interval', props.interval] : []),
    ...(props.webhookSecret ? ['--webhook-secret-env', 'GITOPS_WEBHOOK_SECRET'] : []),
    ...(props.serviceAccount ? ['--service-account', props.serviceAccount] : []),
    ...(props.settingsConfigMap ? ['--settings', props.settingsConfigMap] : []),
    ...(props.verificationKeys ? ['--verify-keys-secret', props.verificationKeys] : []),
    ...(props.platformKeys ? ['--platform-keys-secret', props.platformKeys] : []),
    ...(props.notify ? ['--notify-url-env', 'GITOPS_NOTIFY_URL', ...(props.notify.secret ? ['--notify-secret-env', 'GITOPS_NOTIFY_SECRET'] : [])] : []),
    ...(props.ageKeySecret ? ['--age-key-secret', props.ageKeySecret] : []),
  ];
}

/** The repo URL, the webhook secret and the notification URL and key: from Secrets by reference, never on the command line. */
function agentEnv(props: GitOpsAgentProps): kplus.k8s.EnvVar[] {
  const fromSecret = (name: string, ref: SecretKeyRef, key: string) => ({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? key } } });
  return [
    { name: 'HOME', value: '/tmp' },
    props.gitCredentials ? fromSecret('GITOPS_REPO', props.gitCredentials, 'url') : { name: 'GITOPS_REPO', value: props.repo },
    ...(props.webhookSecret ? [fromSecret('GITOPS_WEBHOOK_SECRET', props.webhookSecret, 'secret')] : []),
    ...(props.notify ? [fromSecret('GITOPS_NOTIFY_URL', props.notify.url, 'url')] : []),
    ...(props.notify?.secret ? [fromSecret('GITOPS_NOTIFY_SECRET', props.notify.secret, 'secret')] : []),
  ];
}

function resourcesOf(r: ContainerResources = {}): kplus.k8s.ResourceRequirements {
  const cpu = r.cpuMillis ?? 100;
  const memory = r.memoryMiB ?? 192;
  return {
    requests: { cpu: k8s.Quantity.fromString(`${cpu}m`), memory: k8s.Quantity.fromString(`${memory}Mi`) },
    limits: { cpu: k8s.Quantity.fromString(`${r.cpuLimitMillis ?? 1000}m`), memory: k8s.Quantity.fromString(`${r.memoryLimitMiB ?? 512}Mi`) },
  };
}

function selectorOf(labels: Record<string, string>): Record<string, string> {
  return { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': labels['app.kubernetes.io/instance'] };
}

/** In cdk8s's spelling (nonResourceUrLs), with the mutable arrays its types want. */
function mutable(rules: readonly PolicyRule[]): kplus.k8s.PolicyRule[] {
  const copy = (list?: readonly string[]) => list && [...list];
  return rules.map((r) => ({ apiGroups: copy(r.apiGroups), resources: copy(r.resources), resourceNames: copy(r.resourceNames), nonResourceUrLs: copy(r.nonResourceURLs), verbs: [...r.verbs] }));
}
