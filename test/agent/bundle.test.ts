// The agent bundle (`npm run build:agent`): one file that runs with only Node and git, copied into an
// empty folder (no node_modules anywhere above it), reconciles a real rendered branch into the real cluster.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { CoreV1Api } from '@kubernetes/client-node';
import { OWNER_APP, OWNER_ENV } from '../../agent/labels.ts';
import { cleanUp, renderedRemote, tempDir } from '../agent-source/fixtures.ts';
import { REPO_ROOT } from '../helpers/project.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'bundle' });
afterAll(() => cleanUp());
const run = promisify(execFile);

describe('the agent bundle', () => {
  it('runs from an empty folder with only Node and git, and reconciles once', async () => {
    await run(process.execPath, [join(REPO_ROOT, 'bin/build-agent.js')], { cwd: REPO_ROOT });
    const folder = tempDir('agent-bundle-');
    const bundle = join(folder, 'gitops-agent.mjs');
    copyFileSync(join(REPO_ROOT, 'build/gitops-agent.mjs'), bundle);
    for (let dir = folder; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules'))).toBe(false);

    const env = uniqueName('env');
    const object = configMap(ns.name, 'from-bundle', { value: 'one' });
    object.metadata.labels = { [OWNER_APP]: 'app', [OWNER_ENV]: env };
    const remote = renderedRemote();
    remote.commit({ [`${env}/app/${ns.name}/configmap-from-bundle.yaml`]: stringify(object) }, 'c'.repeat(40));
    const args = ['agent', '--repo', remote.path, '--env', env, '--once', '--kubeconfig', ns.kubeconfigPath, '--namespace', ns.name, '--cache-dir', join(folder, 'clone')];
    const { PATH, HOME } = process.env;
    await run(process.execPath, [bundle, ...args], { cwd: folder, env: { PATH, HOME } });

    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const applied = await core.readNamespacedConfigMap({ name: 'from-bundle', namespace: ns.name });
    expect(applied.data).toEqual({ value: 'one' });
    expect(applied.metadata?.labels?.[OWNER_ENV]).toBe(env);
    const status = await core.readNamespacedConfigMap({ name: `typed-gitops-status-${env}`, namespace: ns.name });
    expect(status.data?.ok).toBe('true');

    // --root needs the project's packages (esbuild reads gitops.config.ts): refused clearly when it has none.
    writeFileSync(join(folder, 'gitops.config.ts'), 'export default {};\n');
    const refused = await run(process.execPath, [bundle, ...args, '--root', folder], { cwd: folder, env: { PATH, HOME } }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain(`Run npm ci in ${folder}; or run the agent without --root`);
  });

  it('is what the Dockerfile copies, run with the node flags of the agent script', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^COPY build\/gitops-agent\.mjs \/app\/gitops-agent\.mjs$/m);
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(dockerfile)![1]) as string[];
    const script = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.agent as string;
    const flags = script.split(' ').filter((word) => word.startsWith('--'));
    expect(entrypoint.slice(entrypoint.indexOf('node') + 1)).toEqual([...flags, '/app/gitops-agent.mjs']);
    expect(dockerfile).toMatch(/^USER \d+:\d+$/m); // numeric, so runAsNonRoot can check it
  });
});
