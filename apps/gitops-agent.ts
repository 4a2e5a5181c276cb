// The pull agent of each environment, as an app of that environment: built after the other apps,
// so its RBAC covers exactly the kinds and namespaces they render (lib/gitops-agent.ts).
import { Chart } from 'cdk8s';
import { defineApp, GitOpsAgent } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'gitops-agent',
  buildAfterOthers: true,
  build(app, env) {
    const chart = new Chart(app, 'gitops-agent');
    new GitOpsAgent(chart, 'agent', {
      environment: env.name,
      kinds: env.rendered,
      repo: 'https://git.example.com/shop.git',
      gitCredentials: { name: 'git-credentials' },
      webhookSecret: { name: 'gitops-webhook' },
      // Its bounds in its pod: environments.<env>.bounds, written into this ConfigMap by gitops bootstrap.
      settingsConfigMap: 'agent-settings',
      // Its age identity, which opens secrets/<env>/: age-keygen -o age.agekey, then
      // kubectl -n gitops-system create secret generic age-key --from-file=age.agekey (its public key goes in secretRecipients).
      ageKeySecret: 'age-key',
      replicas: env.name === 'prod' ? 2 : 1,
    });
  },
});
