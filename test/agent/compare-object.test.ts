// The web page's view of one object against the real API server: what git sets against what is
// live, on the fields our field manager owns only (a label another writer added is not ours).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareObject } from '../../agent/web/compare.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, reconcilerFor, revisionOf, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'compare' });
const run = promisify(execFile);
const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, ...args]);

describe('one object: git against live on our fields', () => {
  it('agrees after an apply, shows a hand edit of a field we set as a diff, and leaves out fields we do not set', async () => {
    const env = uniqueName('env');
    const reconciler = reconcilerFor(env, ns.name);
    const revision = revisionOf(env, { web: [configMap(ns.name, 'settings', { color: 'blue' })] });
    expect((await reconciler.reconcile(revision)).ok).toBe(true);
    const ref = { group: '', kind: 'ConfigMap', namespace: ns.name, name: 'settings' };

    const synced = await compareObject(reconciler.kube, revision, ref);
    expect(synced).toMatchObject({ object: `ConfigMap ${ns.name}/settings`, file: `${env}/web/${ns.name}/configmap-settings.yaml:1`, diff: '' });
    expect(synced.desired).toContain('color: blue');
    expect(synced.live).toBe(synced.desired);

    await kubectl('patch', 'configmap', 'settings', '-p', '{"data":{"color":"red"}}');
    await kubectl('label', 'configmap', 'settings', 'team=payments');
    const drifted = await compareObject(reconciler.kube, revision, ref);
    expect(drifted.diff).toMatch(/^-\s+color: blue$/m);
    expect(drifted.diff).toMatch(/^\+\s+color: red$/m);
    expect(drifted.diff).not.toContain('team');

    await kubectl('delete', 'configmap', 'settings');
    const gone = await compareObject(reconciler.kube, revision, ref);
    expect(gone.live).toBeUndefined();
    expect(gone.desired).toContain('color: blue');
    expect(await compareObject(reconciler.kube, revision, { ...ref, name: 'other' })).toMatchObject({ problem: `ConfigMap ${ns.name}/other is not in the applied revision` });
    reconciler.stop();
  });
});
