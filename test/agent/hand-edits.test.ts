// Hand edits with the real kubectl against a real kube-apiserver: `kubectl edit` and client-side
// `kubectl apply` that replace an entry of a keyed list (Service ports, containers, env, volumes)
// leave that entry to their own field manager, so a plain re-apply would keep both entries. The
// watch-fed agent takes those entries back and heals the object within 2 s, and the next commit applies.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { K8sObject } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { reconcilerFor, revisionOf, uniqueName } from './harness.ts';
import { startWatchingAgent, until, type WatchingAgent } from './watching-agent.ts';

const ns = useTestNamespace({ prefix: 'edit' });
const run = promisify(execFile);
const kubectl = (args: string[], env: Record<string, string> = {}) =>
  run('kubectl', ['--kubeconfig', ns.kubeconfigPath, '-n', ns.name, ...args], { env: { ...process.env, ...env } });

let scratch = '';
let running: WatchingAgent | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = '';
});

/**
 * `kubectl edit` without a terminal: the editor is a sed script over the file kubectl opens (it fails when
 * nothing matched). Returns when kubectl started and ended: the edit is written in between.
 */
async function kubectlEdit(resource: string, match: string, sedScript: string): Promise<Edit> {
  scratch ||= mkdtempSync(join(tmpdir(), 'kubectl-edit-'));
  const editor = join(scratch, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\ngrep -q '${match}' "$1" && sed -i -e '${sedScript}' "$1"\n`, { mode: 0o755 });
  const started = Date.now();
  await kubectl(['edit', resource], { KUBE_EDITOR: editor, EDITOR: editor });
  return { started, ended: Date.now() };
}

interface Edit {
  readonly started: number;
  readonly ended: number;
}

async function kubectlApplyClientSide(object: K8sObject): Promise<Edit> {
  scratch ||= mkdtempSync(join(tmpdir(), 'kubectl-apply-'));
  const file = join(scratch, `${object.metadata.name}.json`);
  writeFileSync(file, JSON.stringify(object));
  const started = Date.now();
  await kubectl(['apply', '-f', file]);
  return { started, ended: Date.now() };
}

function webService(port = 80): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns.name }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port, targetPort: 8080 }] } };
}

function webDeployment(image = 'registry.local/web:1'): K8sObject {
  const labels = { app: 'web' };
  const container = { name: 'main', image, env: [{ name: 'FOO', value: '1' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns.name },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container], volumes: [{ name: 'data', emptyDir: {} }] } } },
  };
}

const core = () => ns.kubeConfig.makeApiClient(CoreV1Api);
const apps = () => ns.kubeConfig.makeApiClient(AppsV1Api);
const ports = async () => (await core().readNamespacedService({ name: 'web', namespace: ns.name })).spec?.ports?.map((p) => `${p.name}:${p.port}`);

/** Waits (2 s at most) for the object to be healed after the edit, and logs how long that took. */
async function healed(what: string, check: () => Promise<boolean>, edit: Edit): Promise<void> {
  await until(what, check, 2_000);
  const now = Date.now();
  console.log(`self-heal: ${what} ${now - edit.ended} ms after the editing command returned (${now - edit.started} ms after it started)`);
}

describe('hand edits of keyed list entries', () => {
  it('heals `kubectl edit svc` changing port 80 to 8081 within 2 s, and the next commit applies', async () => {
    running = await startWatchingAgent(ns.name, { web: [webService(), webDeployment()] });
    const edit = await kubectlEdit('service/web', 'port: 80$', 's/port: 80$/port: 8081/');
    await healed('Service web to have only port 80', async () => JSON.stringify(await ports()) === '["http:80"]', edit);

    await running.commit({ web: [webService(), webDeployment('registry.local/web:2')] });
    expect((await apps().readNamespacedDeployment({ name: 'web', namespace: ns.name })).spec?.template.spec?.containers[0].image).toBe('registry.local/web:2');
    expect(await ports()).toEqual(['http:80']);
  });

  it('heals `kubectl edit deploy` renaming an env var, a volume and a container', async () => {
    running = await startWatchingAgent(ns.name, { web: [webDeployment()] });
    const spec = async () => (await apps().readNamespacedDeployment({ name: 'web', namespace: ns.name })).spec!.template.spec!;
    const shape = async () => {
      const s = await spec();
      return JSON.stringify([s.containers.map((c) => [c.name, c.env?.map((e) => e.name), c.volumeMounts?.map((m) => m.name)]), s.volumes?.map((v) => v.name)]);
    };
    const wanted = JSON.stringify([[['main', ['FOO'], ['data']]], ['data']]);

    const renamed = await kubectlEdit('deployment/web', 'name: FOO$', 's/name: FOO$/name: BAR/; s/name: data$/name: data2/');
    await healed('env and volume names to be back', async () => (await shape()) === wanted, renamed);
    const container = await kubectlEdit('deployment/web', 'name: main$', 's/name: main$/name: edited/');
    await healed('the container name to be back', async () => (await shape()) === wanted, container);
  });

  it('heals it without the watch too (--once, or a reconcile on the interval)', async () => {
    const env = uniqueName('env');
    const reconciler = reconcilerFor(env, ns.name);
    await reconciler.reconcile(revisionOf(env, { web: [webService()] }));
    await kubectlEdit('service/web', 'port: 80$', 's/port: 80$/port: 8081/');
    const result = await reconciler.reconcile(revisionOf(env, { web: [webService()] }));
    expect(result.changes).toEqual([expect.objectContaining({ action: 'configured', reason: "replaced the list entries that kubectl-edit added (a hand edit) with git's" })]);
    expect(await ports()).toEqual(['http:80']);
  });

  it('heals a client-side `kubectl apply` that moved the port, and drops its last-applied annotation', async () => {
    running = await startWatchingAgent(ns.name, { web: [webService()] });
    await kubectlApplyClientSide(webService()); // records what it applied, as kubectl apply does
    const edit = await kubectlApplyClientSide(webService(8081)); // so this one deletes port 80 and adds 8081
    const live = async () => core().readNamespacedService({ name: 'web', namespace: ns.name });
    await healed('Service web to have only port 80 and no last-applied annotation', async () => {
      const service = await live();
      return JSON.stringify(service.spec?.ports?.map((p) => p.port)) === '[80]' && !service.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    }, edit);
  });
});
