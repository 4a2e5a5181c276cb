// The team namespaces every other app deploys into.
import { Chart } from 'cdk8s';
import { defineApp, TeamNamespace } from 'typed-gitops/lib';
import type { Values } from '../gitops.config.ts';

export default defineApp<Values>({
  name: 'namespaces',
  build(app, env) {
    const chart = new Chart(app, 'namespaces');
    const scale = env.name === 'prod' ? 4 : 1;
    new TeamNamespace(chart, 'shop', { name: 'shop', team: 'storefront', cpuCores: 4 * scale, memoryGiB: 8 * scale });
    new TeamNamespace(chart, 'data', { name: 'data', team: 'platform', cpuCores: 2 * scale, memoryGiB: 8 * scale });
    new TeamNamespace(chart, 'ops', { name: 'ops', team: 'platform' });
  },
});
