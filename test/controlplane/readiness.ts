// What "ready" means for each component, as one check per component: used at start and after a
// fault test restarts one.
import { apiRequest, httpGet, type ApiCredentials } from './api-request.js';
import type { BinaryName } from './build.js';
import type { Layout } from './components.js';
import { fakeNodeName, isSchedulable } from './fake-node.js';

export interface Readiness {
  /** What we wait for, for the error message. */
  readonly what: string;
  readonly check: () => Promise<boolean>;
}

export function readiness(name: BinaryName, l: Layout, admin: ApiCredentials): Readiness {
  const server = `https://127.0.0.1:${l.ports.apiserver}`;
  const healthz = (port: number): Readiness => ({
    what: 'GET /healthz returns ok',
    check: async () => (await apiRequest(`https://127.0.0.1:${port}/healthz`, {})).status === 200,
  });
  switch (name) {
    case 'etcd':
      return { what: 'GET /health returns ok', check: async () => (await httpGet(`http://127.0.0.1:${l.ports.etcdClient}/health`)).status === 200 };
    case 'kube-apiserver':
      return { what: 'GET /readyz returns ok', check: async () => (await apiRequest(`${server}/readyz`, admin)).status === 200 };
    case 'kube-controller-manager':
      return healthz(l.ports.controllerManager);
    case 'kube-scheduler':
      return healthz(l.ports.scheduler);
    case 'kwok':
      return {
        what: `Node ${fakeNodeName} Ready and untainted`,
        check: async () => {
          const res = await apiRequest(`${server}/api/v1/nodes/${fakeNodeName}`, admin);
          return res.status === 200 && isSchedulable(res.body);
        },
      };
  }
}
