// The shop's status page from a Helm chart in the project (charts/status-page), pinned in gitops.lock; its values
// are typed by the interface `gitops lock` generated from the chart's values.schema.json.
import { Chart } from 'cdk8s';
import { defineApp, HelmChart } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';
import type { StatusPageValues } from '../imports/charts/status-page.values.ts';

export default defineApp<Values>({
  name: 'status-page',
  build(app, env) {
    const chart = new Chart(app, 'status-page', { namespace: 'ops' });
    new HelmChart<StatusPageValues>(chart, 'status-page', {
      chart: 'charts/status-page',
      values: { replicas: env.values.replicas, title: env.name === 'prod' ? 'Shop status' : `Shop status (${env.name})` },
    });
  },
});
