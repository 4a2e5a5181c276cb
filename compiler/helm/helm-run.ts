// Runs helm synchronously (apps build synchronously) in a scratch home of its own: no user repositories, plugins
// or kubeconfig take part, so the same chart renders the same bytes on every machine and never reaches a cluster.
// Inputs that may be secret go through stdin or files in the scratch home, never the command line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHelm, HELM_MISSING_HINT } from './helm-binary.ts';

export interface HelmRun {
  readonly args: readonly string[];
  /** Written to helm's stdin (values for `--values -`). */
  readonly input?: string;
}

/** What a chart's rendering and fetching may take at most. */
const HELM_LIMITS = { timeoutMs: 120_000, outputBytes: 64 * 1024 * 1024 } as const;

export class HelmFailed extends Error {}

/** helm's stdout; throws HelmFailed with helm's own error message when it fails. */
export function runHelm(run: HelmRun): string {
  return withHelmHome({}, (helm) => helm(run.args, run.input));
}

/** Runs helm in the scratch home of withHelmHome. */
export type HelmInHome = (args: readonly string[], input?: string) => string;

/** Runs `fn` with a scratch home holding `files` (mode 0600: they may hold credentials), removed after. */
export function withHelmHome<T>(files: Readonly<Record<string, string>>, fn: (helm: HelmInHome, home: string) => T): T {
  const binary = findHelm();
  if (!binary) throw new HelmFailed(`helm is not installed: ${HELM_MISSING_HINT}`);
  const home = mkdtempSync(join(tmpdir(), 'typed-gitops-helm-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(home, name), content, { mode: 0o600 });
    return fn((args, input) => {
      const result = spawnSync(binary, args, {
        input: input ?? '',
        env: helmEnv(home),
        encoding: 'utf8',
        timeout: HELM_LIMITS.timeoutMs,
        maxBuffer: HELM_LIMITS.outputBytes,
      });
      if (result.error) throw new HelmFailed(`helm ${args[0]} failed: ${limitHit(result.error) ?? result.error.message}`);
      if (result.status !== 0) throw new HelmFailed(`helm ${args[0]}: ${helmMessage(result.stderr) || `exited with ${result.status}`}`);
      return result.stdout;
    }, home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** helm's error without its `Error:` prefix and its advice about its own flags (we choose them). */
function helmMessage(stderr: string): string {
  return stderr.replace(/^Error: /gm, '').replace(/^Use --debug flag.*$/gm, '').replace(/\n{2,}/g, '\n').trim();
}

function limitHit(error: NodeJS.ErrnoException): string | undefined {
  if (error.code === 'ENOBUFS') return `it printed more than ${HELM_LIMITS.outputBytes / 1024 / 1024} MiB (a chart that large is not supported)`;
  if (error.code === 'ETIMEDOUT') return `it took longer than ${HELM_LIMITS.timeoutMs / 1000} s and was stopped`;
  return undefined;
}

function helmEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HELM_') && k !== 'KUBECONFIG') env[k] = v;
  Object.assign(env, {
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_REGISTRY_CONFIG: join(home, 'registry.json'),
    HELM_REPOSITORY_CONFIG: join(home, 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'repository-cache'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  });
  return env;
}

