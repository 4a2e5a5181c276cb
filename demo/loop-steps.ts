// The two moves of the GitOps loop the demo shows: a commit to main reaching the cluster, and a
// hand edit in the cluster undone by the agent. Each returns how long it took, or throws why not.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, run } from './commands.ts';
import type { CiLoop } from './ci-loop.ts';
import type { DemoRepo } from './demo-repo.ts';
import { waitFor } from '../test/setup/wait-for.ts';

/** The Deployment both steps use: apps/web.ts's storefront in namespace shop. */
export const storefront = { file: 'apps/web.ts', namespace: 'shop', name: 'storefront' } as const;
const imagePattern = /ghcr\.io\/acme\/storefront:(\d+)\.(\d+)\.(\d+)/;

export type Kubectl = (...args: string[]) => Promise<string>;

export function kubectlFor(kubeconfigPath: string): Kubectl {
  return (...args) => run('kubectl', ['--kubeconfig', kubeconfigPath, ...args]);
}

const field = (kubectl: Kubectl, path: string) => () =>
  kubectl('get', 'deployment', storefront.name, '-n', storefront.namespace, '-o', `jsonpath={${path}}`);

/** Bumps the storefront image's patch version in the checkout and commits (the hook pushes it). */
async function commitImageBump(repo: DemoRepo): Promise<{ image: string; commit: string }> {
  const path = join(repo.checkout, storefront.file);
  const source = readFileSync(path, 'utf8');
  const match = imagePattern.exec(source);
  if (!match) throw new Error(`${path}: no image ghcr.io/acme/storefront:<x.y.z> to bump; restore ${storefront.file} from the project`);
  const image = `ghcr.io/acme/storefront:${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
  writeFileSync(path, source.replace(imagePattern, image));
  await git(repo.checkout, 'commit', '--quiet', '-am', `web: storefront ${image.split(':')[1]}`);
  return { image, commit: (await git(repo.checkout, 'rev-parse', 'HEAD')).trim() };
}

/** From `git commit` to the new image in the cluster: publish by CI, webhook, apply by the agent. */
export async function commitToApplied(repo: DemoRepo, ci: CiLoop, kubectl: Kubectl): Promise<{ image: string; publishMs: number; totalMs: number }> {
  const started = Date.now();
  const { image, commit } = await commitImageBump(repo);
  const published = await Promise.race([ci.published(commit), timeout<never>(60_000, `CI to publish ${commit.slice(0, 7)}`)]);
  if (!published.ok) throw new Error(`publish of ${commit.slice(0, 7)} failed:\n${published.detail}`);
  await waitFor(`Deployment ${storefront.name} to run ${image}`, field(kubectl, '.spec.template.spec.containers[0].image'), (v) => v === image, { timeoutMs: 30_000 });
  return { image, publishMs: published.ms, totalMs: Date.now() - started };
}

/** `kubectl scale` the storefront, then wait until the agent has set its replicas back. */
export async function scaleReverted(kubectl: Kubectl): Promise<{ from: number; to: number; ms: number }> {
  const replicas = field(kubectl, '.spec.replicas');
  const from = Number(await replicas());
  const to = from + 2;
  const started = Date.now();
  await kubectl('scale', 'deployment', storefront.name, '-n', storefront.namespace, `--replicas=${to}`);
  await waitFor(`the agent to set ${storefront.name}'s replicas back to ${from}`, replicas, (v) => Number(v) === from, { timeoutMs: 20_000 });
  return { from, to, ms: Date.now() - started };
}

function timeout<T>(ms: number, what: string): Promise<T> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms).unref());
}
