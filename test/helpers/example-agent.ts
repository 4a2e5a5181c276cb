// Test helper: the example project rendered for one environment, and the agent's identity and
// RBAC installed from it by an admin, as `gitops bootstrap` will do once.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compile } from '../../compiler/compile.ts';
import { formatDiagnostic } from '../../compiler/format.ts';
import { makeProject, type TestProject } from './project.ts';
import { rekeyExampleSecrets } from '../sops/example-keys.ts';

const run = promisify(execFile);

export type Kubectl = (...args: string[]) => Promise<string>;

export function kubectlWith(kubeconfigPath: () => string): Kubectl {
  return async (...args) => (await run('kubectl', ['--kubeconfig', kubeconfigPath(), ...args])).stdout;
}

export interface RenderedExample {
  readonly project: TestProject;
  /** dist/<env> of the project. */
  readonly dist: string;
  /** Its YAML files, relative to `dist`, sorted. */
  readonly files: readonly string[];
  /** The test-only age identity of each environment, which opens its encrypted Secrets. */
  readonly ageIdentities: Readonly<Record<string, string>>;
}

/** A copy of the example project, `edit`ed, synthesized for `env`. */
export async function renderExample(env: string, edit: (project: TestProject) => void = () => {}): Promise<RenderedExample> {
  const project = makeProject({}, { copyExample: true });
  const ageIdentities = await rekeyExampleSecrets(project);
  edit(project);
  const outcome = await compile({ root: project.root, typecheck: false, envs: [env] });
  if (outcome.report.errors.length > 0) throw new Error(outcome.report.errors.map(formatDiagnostic).join('\n'));
  const dist = join(project.root, 'dist', env);
  const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
  return { project, dist, files, ageIdentities };
}

/** The admin applies the rendered Namespaces, then the agent's ServiceAccount and RBAC. */
export async function installAgentIdentity(kubectl: Kubectl, example: RenderedExample): Promise<void> {
  const paths = (pattern: RegExp) => example.files.filter((f) => pattern.test(f)).flatMap((f) => ['-f', join(example.dist, f)]);
  await kubectl('apply', '--server-side', ...paths(/\/namespace-[^/]+\.yaml$/));
  await kubectl('apply', '--server-side', ...paths(/\/(serviceaccount|clusterrole|clusterrolebinding|role|rolebinding)-[^/]+\.yaml$/));
}
