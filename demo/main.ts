// `npm run demo [-- --ci]`: the whole GitOps loop on this machine. A control plane, a git server
// holding this project, CI publishing main to the rendered branch, and the agent for `dev`;
// then a commit reaching the cluster and a hand edit undone. Interactive, it then leaves all of
// it running until Ctrl-C; with --ci it checks every step, stops everything and exits non-zero
// on a failure. Either way it stops only what it started.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../test/controlplane/control-plane.ts';
import { checkoutRoot as REPO_ROOT } from '../test/controlplane/paths.ts';
import { startDemoAgent, type DemoAgent } from './agent-process.ts';
import { startCiLoop, type CiEvent, type CiLoop } from './ci-loop.ts';
import { Cleanup } from './cleanup.ts';
import { git, gitops } from './commands.ts';
import { createDemoRepo, type DemoRepo } from './demo-repo.ts';
import { commitToApplied, kubectlFor, scaleReverted, storefront, type Kubectl } from './loop-steps.ts';
import { createOutput } from './output.ts';
import { adoptAgentNamespace, untilSettled } from './settle.ts';
import { seconds } from './output.ts';

const env = 'dev';
const ci = process.argv.includes('--ci');
const out = createOutput();
const cleanup = new Cleanup();

async function demo(): Promise<void> {
  const begun = Date.now();
  const plane = await startPlane();
  const kubectl = kubectlFor(plane.kubeconfigPath);
  const { repo, dir } = await startGitServer();
  const hook = { url: '' }; // the agent's, once it listens
  const loop = await firstPublish(repo, () => hook.url);
  const agent = await startAgent(plane, kubectl, repo, dir, begun);
  hook.url = agent.url;

  out.step('A commit to main reaches the cluster');
  const applied = await commitToApplied(repo, loop, kubectl);
  out.ok(`${applied.image} running ${seconds(applied.totalMs)} after git commit (publish ${seconds(applied.publishMs)})`);

  out.step('A hand edit in the cluster is undone (self-heal)');
  const healed = await scaleReverted(kubectl);
  out.ok(`kubectl scale to ${healed.to} replicas; the agent set ${healed.from} back in ${seconds(healed.ms)}`);

  if (ci) return out.ok(`demo passed in ${seconds(Date.now() - begun)}`);
  await handOver(repo);
}

async function startPlane(): Promise<ControlPlane> {
  out.step('Start the test control plane (built from Go modules on first use)');
  // Build progress (first use) and the time to ready; not each process it starts.
  const plane = await startControlPlane({ log: (l) => (/^started |ready at /.test(l) ? undefined : out.info(l)) });
  cleanup.add('control plane', () => plane.stop());
  out.ok(`etcd, kube-apiserver, controller-manager, scheduler and kwok on ${plane.server}`);
  return plane;
}

async function startGitServer(): Promise<{ repo: DemoRepo; dir: string }> {
  out.step('Start a git server holding this project');
  // Inside the checkout, so the demo's own checkouts find this one's node_modules.
  mkdirSync(join(REPO_ROOT, '.gitops-cache'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.gitops-cache', 'demo-'));
  cleanup.add('demo folder', () => rmSync(dir, { recursive: true, force: true }));
  const repo = await createDemoRepo(dir);
  cleanup.add('git daemon', () => repo.daemon.stop());
  out.ok(`${repo.url} (main = this checkout's HEAD, with its history)`);
  return { repo, dir };
}

async function firstPublish(repo: DemoRepo, hookUrl: () => string): Promise<CiLoop> {
  out.step('CI publishes main to the rendered branch');
  const report = (e: CiEvent) => (e.ok ? out.ok(`CI: ${e.source.slice(0, 7)} published in ${seconds(e.ms)}: ${e.detail}`) : out.fail(`CI: publish of ${e.source.slice(0, 7)} failed:\n${e.detail}`));
  const loop = startCiLoop(repo, hookUrl, report);
  cleanup.add('CI loop', () => loop.stop());
  const first = await loop.published((await git(repo.bare, 'rev-parse', 'main')).trim());
  if (!first.ok) throw new Error(`the first publish failed:\n${first.detail}`);
  return loop;
}

async function startAgent(plane: ControlPlane, kubectl: Kubectl, repo: DemoRepo, dir: string, begun: number): Promise<DemoAgent> {
  out.step(`Start the agent for ${env} and wait until everything is Healthy`);
  await adoptAgentNamespace(kubectl, repo, env, dir);
  const agent = await startDemoAgent({ repoUrl: repo.url, env, kubeconfigPath: plane.kubeconfigPath, dir, ageKeyFile: repo.ageKeyFile });
  cleanup.add('agent', () => agent.stop());
  const { suspended } = await untilSettled(agent, repo, out);
  out.ok(`every app settled ${seconds(Date.now() - begun)} after the start${suspended.length ? ` (${suspended.join(', ')} suspended in ${env} on purpose)` : ''}`);
  out.block((await gitops(['status', '--env', env, '--kubeconfig', plane.kubeconfigPath], { cwd: REPO_ROOT })).trimEnd());
  const page = await agent.page();
  out.info(`${page.html ? 'web page' : 'status (JSON)'}: ${page.url}`);
  out.info(`agent log: ${agent.logFile}`);
  out.info('look with kubectl:');
  out.block(`export KUBECONFIG=${plane.kubeconfigPath}`);
  out.info(`next: a commit to ${storefront.file} reaches the cluster, then a kubectl scale is undone`);
  return agent;
}

async function handOver(repo: DemoRepo): Promise<never> {
  out.step('Your turn: everything keeps running until Ctrl-C');
  out.block([
    `cd ${repo.checkout}`,
    `$EDITOR apps/web.ts         # e.g. replicas, image, a new app in apps/`,
    `git commit -am 'my change'  # a hook pushes to main; CI publishes; applied`,
    `kubectl get pods -A         # with the KUBECONFIG above`,
  ].join('\n'));
  out.info('Ctrl-C stops the agent, CI, the git server and the control plane and removes the demo folder (your commits there too); nothing else.');
  return new Promise<never>(() => {});
}

async function stop(code: number): Promise<never> {
  const failed = await cleanup.run();
  for (const f of failed) out.fail(`could not stop ${f}`);
  process.exit(failed.length > 0 && code === 0 ? 1 : code);
}

// Ctrl-C reaches us twice (from the terminal, and forwarded by npm): the first one stops, later ones wait for it.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    out.info(`${signal}: stopping what the demo started…`);
    void stop(130);
  });
}

demo().then(() => stop(0), (err: unknown) => {
  out.fail(err instanceof Error ? err.message : String(err));
  return stop(1);
});
