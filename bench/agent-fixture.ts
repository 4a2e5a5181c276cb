// The agent benchmark's inputs: the generated services compiled in memory (the shared project's dist/ is
// left alone), committed at the root of branch `rendered` in a local bare repo, plus a folder holding only
// the environment's YAML object files for kubectl; and one-object edits pushed to that branch.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compile } from '../compiler/compile.ts';
import { NAMESPACE, generateProjects } from './generate.ts';
import { repoRoot } from './repo-root.ts';

export const ENV = 'bench';
export const BRANCH = 'rendered';

export interface RenderedRepo {
  /** Temp folder holding everything below; removed by remove(). */
  readonly base: string;
  /** Local path of the bare repo the agent follows. */
  readonly bare: string;
  /** The YAML object files of dist/<env> (all it holds: the manifest lies beside it), for kubectl -R -f. */
  readonly yamlDir: string;
  readonly objects: number;
  /** Sets `data.<key>` of ConfigMap <name> in git, commits and pushes; returns the new commit. */
  pushConfigMapValue(name: string, key: string, value: string): string;
  remove(): void;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export async function renderedRepo(services: number): Promise<RenderedRepo> {
  const project = generateProjects(repoRoot, services);
  const outcome = await compile({ root: project.ours, typecheck: false, write: false, envs: [ENV] });
  if (!outcome.tree || outcome.report.errors.length > 0) throw new Error(`compiling the N=${services} project failed: ${outcome.report.errors.map((e) => e.message).join('; ')}`);
  const base = mkdtempSync(join(tmpdir(), 'gitops-bench-agent-'));
  const work = join(base, 'work'), bare = join(base, 'rendered.git'), yamlDir = join(base, 'kubectl');
  let objects = 0;
  for (const [path, rendered] of outcome.tree.files) {
    const text = headless(rendered);
    write(join(work, path), text);
    if (path.startsWith(`${ENV}/`) && path.endsWith('.yaml')) { write(join(yamlDir, path), text); objects++; }
  }
  git(base, 'init', '--quiet', '--bare', bare);
  git(base, 'init', '--quiet', `--initial-branch=${BRANCH}`, work);
  const commit = (message: string) => {
    git(work, 'add', '-A');
    git(work, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${BRANCH}`);
    return git(work, 'rev-parse', 'HEAD');
  };
  commit(`render ${services} services`);
  return {
    base, bare, yamlDir, objects,
    pushConfigMapValue(name, key, value) {
      const file = configMapFile(work, name);
      const text = readFileSync(file, 'utf8');
      const line = new RegExp(`^(  ${key}: ).*$`, 'm');
      if (!line.test(text)) throw new Error(`${file} has no data.${key}`);
      writeFileSync(file, text.replace(line, `$1${value}`));
      return commit(`set ${name} ${key}=${value}`);
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * The test control plane's service range is a /24 (254 cluster IPs), too small for 500 Services: they are
 * made headless (`clusterIP: None`) for both tools alike. Same objects otherwise.
 */
function headless(text: string): string {
  return /^kind: Service$/m.test(text) ? text.replace(/^spec:\n/m, 'spec:\n  clusterIP: None\n') : text;
}

/** dist/<env>/<app>/<namespace>/configmap-<name>.yaml of the service's chart (10 services per chart). */
function configMapFile(work: string, name: string): string {
  const service = Number(name.replace(/^svc-/, ''));
  const chart = `chart-${String(Math.floor(service / 10)).padStart(3, '0')}`;
  return join(work, ENV, chart, NAMESPACE, `configmap-${name}.yaml`);
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
