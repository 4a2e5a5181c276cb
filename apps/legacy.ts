// The old platform's status page, moved in as the YAML it was written in (manifests/legacy/): validated and owned like
// any app, with typed changes per environment instead of a copy of the YAML each. Rendered in prod only.
import { Chart } from 'cdk8s';
import { defineApp, Include } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'legacy',
  environments: ['prod'],
  build(app, env) {
    const chart = new Chart(app, 'legacy', { namespace: 'legacy' });
    const legacy = new Include(chart, 'manifests', { path: 'manifests/legacy' });
    legacy.find({ kind: 'Deployment', name: 'status-page' })
      .set(['spec', 'replicas'], env.values.replicas)
      .addLabels({ 'app.kubernetes.io/part-of': 'legacy' });
    legacy.find({ kind: 'ConfigMap', name: 'status-page' }).set(['data', 'MESSAGE'], `All systems go (${env.values.domain})`);
  },
});
