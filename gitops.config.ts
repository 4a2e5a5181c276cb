// The one config: environments and the typed values apps read, branches, policies, agent settings.
import { defineConfig } from 'typed-gitops/config';

/** What every environment must define; apps read these through `env.values`. */
export interface Values {
  /** Base DNS domain of the environment's public hosts. */
  readonly domain: string;
  /** Replicas of fixed-size services. */
  readonly replicas: number;
  /** Autoscaling bounds for the web frontend; unset means fixed replicas. */
  readonly autoscale?: { readonly min: number; readonly max: number };
  readonly logLevel: 'debug' | 'info' | 'warn';
  /** Size of each Redis volume. */
  readonly redisStorageGiB: number;
  /** Run scheduled jobs (suspended where false). */
  readonly runSchedules: boolean;
}

export default defineConfig<Values>({
  environments: {
    dev: {
      values: { domain: 'dev.shop.example.com', replicas: 1, logLevel: 'debug', redisStorageGiB: 1, runSchedules: false },
      policies: { 'resources-required': 'warn' },
      // Who can open secrets/dev/: put your dev agent's and your team's age public keys here, then
      // `gitops secret rotate`. This example key's private half was thrown away: nobody can decrypt the example.
      secretRecipients: ['age17e87mm0cs0n43g6xtkjyzd36rh8wx9ra5fpyx3pnge3psqe8pu6qy0yhzr'],
      // What the agent lets this environment hold (its copy at the agent's --root is the one that counts).
      bounds: { namespaces: ['shop', 'data', 'ops', 'gitops-system'], clusterKinds: ['Namespace', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding'] },
    },
    prod: {
      values: { domain: 'shop.example.com', replicas: 3, autoscale: { min: 3, max: 12 }, logLevel: 'info', redisStorageGiB: 20, runSchedules: true },
      secretRecipients: ['age1jtmtv38p5mdzu7ahpdyggszangqqw4nhcvsmr2k622ts9k4m7gtqq3vfh5'],
      bounds: { namespaces: ['shop', 'data', 'ops', 'legacy', 'gitops-system'], clusterKinds: ['Namespace', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding'] },
    },
  },
  branches: { source: 'main', rendered: 'rendered' },
  appsDir: 'apps',
  outDir: 'dist',
  external: {
    namespaces: ['kube-system'],
    // Created by the external secrets operator from the vault, never committed; the agent's git URL with a token and its webhook secret, created at install (apps/gitops-agent.ts).
    secrets: ['shop/api-database', 'shop/shop-tls', 'gitops-system/git-credentials', 'gitops-system/gitops-webhook'],
  },
  policies: { 'resources-required': 'error', 'no-latest-image': 'error', 'readiness-probe': 'error' },
  agent: { namespace: 'gitops-system', interval: '10s', prune: true, selfHeal: true },
});
