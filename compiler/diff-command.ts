// `gitops diff`: what the rendered branch would gain, change and lose if dist/ were published, or, with
// `--live`, what applying dist/ (or a rendered ref) would change in the cluster; as a coloured terminal
// diff or as Markdown for a pull-request comment.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diffTrees } from './diff.ts';
import { formatChanges } from './diff-format.ts';
import { readTree, resolveRef } from '../core/git-read.ts';
import { UserInputError } from '../core/errors.ts';
import { loadConfig } from '../core/load-config.ts';
import type { ResolvedConfig } from '../core/config.ts';
import { listFiles } from './write.ts';

export interface DiffOptions {
  readonly root: string;
  /** @default the remote's rendered branch when fetched, else the local one; with `live`, dist/ */
  readonly ref?: string;
  readonly env?: readonly string[];
  /** @default false */
  readonly markdown?: boolean;
  /** @default 'auto' (when stdout is a terminal) */
  readonly color?: string;
  /** Compare with the live cluster by a server dry run instead of with the rendered branch. @default false */
  readonly live?: boolean;
  /** @default the usual rules (KUBECONFIG, ~/.kube/config, a pod's service account) */
  readonly kubeconfig?: string;
  /** The agent's namespace, where the environment's inventory is. @default agent.namespace of gitops.config.ts */
  readonly namespace?: string;
}

export async function runDiff(options: DiffOptions): Promise<string> {
  const root = resolve(options.root);
  const config = await loadConfig(root);
  const color = options.color === 'always' || (options.color !== 'never' && process.stdout.isTTY === true);
  if (options.live) return runLiveDiff(root, config, options, color);
  const outDir = resolve(root, config.outDir);
  const branch = config.branches.rendered;
  const base = await renderedBase(root, options.ref ? [options.ref] : [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]);
  const before = base ? await readTree(root, base.sha) : new Map<string, string>();
  const after = new Map(listFiles(outDir, '').map((p) => [p, readFileSync(join(outDir, p), 'utf8')]));
  const changes = diffTrees(before, after, options.env);
  const against = base ? `${base.ref} (${base.sha.slice(0, 7)})` : `nothing: no rendered branch '${branch}' yet, everything is added`;
  return formatChanges(changes, { against, markdown: options.markdown, color });
}

async function renderedBase(root: string, candidates: readonly string[]): Promise<{ ref: string; sha: string } | undefined> {
  for (const ref of candidates) {
    const sha = await resolveRef(root, ref);
    if (sha) return { ref, sha };
  }
  return undefined;
}

async function runLiveDiff(root: string, config: ResolvedConfig, options: DiffOptions, color: boolean): Promise<string> {
  const env = liveEnvironment(config, options.env);
  const { files, from } = await liveSource(root, config, env, options.ref);
  const [{ liveChanges }, { KubeClient }, { loadConnection }] = await Promise.all([import('./live-diff.ts'), import('../agent/kube.ts'), import('../agent/kubeconfig.ts')]);
  const connection = loadConnection(options.kubeconfig);
  const changes = await liveChanges(new KubeClient(connection), { commit: from, env, files }, { agentNamespace: options.namespace ?? config.agent.namespace });
  const against = `the live cluster (${connection.server})`;
  return formatChanges(changes, { against, source: from, title: `Live changes: ${env} (${from})`, markdown: options.markdown, color });
}

/** The one environment a live diff is about: a cluster holds one environment's agent. */
function liveEnvironment(config: ResolvedConfig, envs: readonly string[] | undefined): string {
  const names = config.environments.map((e) => e.name);
  const chosen = envs ?? (names.length === 1 ? names : []);
  if (chosen.length !== 1 || !names.includes(chosen[0]!)) {
    throw new UserInputError(`--live compares one environment with its cluster; got ${chosen.length === 0 ? 'none' : chosen.join(', ')}`, {
      object: 'gitops diff --live',
      hint: `pass --env with one of: ${names.join(', ')}`,
    });
  }
  return chosen[0]!;
}

/** The environment's object files (relative to `<env>/`) from dist/, or from a rendered ref. */
async function liveSource(root: string, config: ResolvedConfig, env: string, ref: string | undefined): Promise<{ files: Map<string, string>; from: string }> {
  if (ref) {
    const sha = await resolveRef(root, ref);
    if (!sha) throw new UserInputError(`no such ref: ${ref}`, { object: 'gitops diff --ref', hint: 'fetch the rendered branch first, e.g. git fetch origin rendered' });
    const tree = await readTree(root, sha, `${env}/`);
    return { files: new Map([...tree].map(([p, text]) => [p.slice(env.length + 1), text])), from: `${ref} ${sha.slice(0, 7)}` };
  }
  const dir = join(resolve(root, config.outDir), env);
  if (!existsSync(dir)) throw new UserInputError(`${config.outDir}/${env} does not exist`, { object: `${config.outDir}/${env}`, hint: `run gitops synth --env ${env} first, or pass --ref <rendered ref>` });
  return { files: new Map(listFiles(dir, '').map((p) => [p, readFileSync(join(dir, p), 'utf8')])), from: `${config.outDir}/${env}` };
}
