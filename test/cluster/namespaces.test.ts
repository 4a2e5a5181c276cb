// The namespace controller runs: deleting a namespace with content completes.
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { sharedCluster } from '../setup/cluster.js';
import { isGone, waitFor } from '../setup/wait-for.js';

describe('namespaces', () => {
  it('finishes deleting a namespace that holds objects', async () => {
    const core = sharedCluster().kubeConfig.makeApiClient(CoreV1Api);
    const name = `doomed-${randomBytes(4).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'settings' }, data: { a: '1' } } });

    await core.deleteNamespace({ name });
    await waitFor('namespace gone', () => isGone(() => core.readNamespace({ name })), (gone) => gone);
  });
});
