// Benchmark (npm run bench:publish): `gitops publish` of the generated services (7 objects each) to a bare
// remote, in process; reports the time beyond synth (read remote, write blobs/trees/commit, push) for a
// first publish (every blob new), a one-app change and an unchanged output. Target: ≤ 2 s beyond synth.
// Flags: --services 500  --runs 5
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { publish, type PublishResult } from '../compiler/publish.ts';
import { OBJECTS_PER_SERVICE, appSource, chartName, generateProjects } from './generate.ts';
import { median } from './measure.ts';
import { repoRoot } from './repo-root.ts';

const TARGET_MS = 2000;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** A git repo holding a copy of the generated project (ours/ plus the shared chart it imports). */
function benchRepo(services: number): { repo: string; root: string } {
  const generated = generateProjects(repoRoot, services);
  const repo = join(repoRoot, '.gitops-cache', 'bench-publish', String(services));
  rmSync(repo, { recursive: true, force: true });
  for (const part of ['gitops.config.ts', 'tsconfig.json', 'apps']) cpSync(join(generated.ours, part), join(repo, 'ours', part), { recursive: true });
  cpSync(join(generated.ours, '..', 'shared'), join(repo, 'shared'), { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'dist/\n.gitops-cache/\n');
  git(repo, 'init', '--quiet', '--initial-branch=main');
  commitAll(repo, 'generated services');
  return { repo, root: join(repo, 'ours') };
}

function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '--quiet', '-m', message);
}

function bareRemote(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gitops-bench-')), 'rendered.git');
  git(tmpdir(), 'init', '--quiet', '--bare', dir);
  return dir;
}

async function timed(root: string, remote: string, expected: PublishResult['outcome']): Promise<PublishResult> {
  const result = await publish({ root, remote, typecheck: false });
  if (result.outcome !== expected) throw new Error(`expected ${expected}, got ${result.outcome}`);
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { services: { type: 'string', default: '500' }, runs: { type: 'string', default: '5' } } });
  const services = Number(values.services), runs = Number(values.runs);
  const { repo, root } = benchRepo(services);
  console.log(`# gitops publish — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()}, ${services} services (${services * OBJECTS_PER_SERVICE} objects), ${runs} runs (medians)\n`);

  const cases: Record<string, PublishResult[]> = { 'first publish (new branch)': [], 'one app changed': [], 'output unchanged': [] };
  const remotes: string[] = [];
  remotes.push(bareRemote());
  await timed(root, remotes[0], 'published'); // warm-up: bundle cache, page cache
  for (let i = 1; i <= runs; i++) {
    const remote = bareRemote();
    remotes.push(remote);
    cases['first publish (new branch)'].push(await timed(root, remote, 'published'));
    writeFileSync(join(root, 'apps', `${chartName(0)}.ts`), appSource(0, `r${i}`));
    commitAll(repo, `release r${i} of ${chartName(0)}`);
    cases['one app changed'].push(await timed(root, remote, 'published'));
    writeFileSync(join(repo, 'README.md'), `run ${i}\n`);
    commitAll(repo, `docs run ${i}`);
    cases['output unchanged'].push(await timed(root, remote, 'unchanged'));
    process.stderr.write(`  run ${i}/${runs}\n`);
  }

  const rows = Object.entries(cases).map(([name, results]) => ({
    name,
    files: results[0].files,
    synth: median(results.map((r) => r.synthMs)),
    publish: median(results.map((r) => r.publishMs)),
    worst: Math.max(...results.map((r) => r.publishMs)),
  }));
  console.log('| case | files | synth (median) | publish beyond synth (median) | beyond synth (worst) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.files} | ${Math.round(r.synth)} ms | ${Math.round(r.publish)} ms | ${Math.round(r.worst)} ms |`);
  const worst = Math.max(...rows.map((r) => r.worst));
  console.log(`\ntarget: publish beyond synth ≤ ${TARGET_MS} ms for ${services * OBJECTS_PER_SERVICE} objects — worst ${Math.round(worst)} ms: ${worst <= TARGET_MS ? 'met' : 'MISSED'}`);
  for (const remote of remotes) rmSync(join(remote, '..'), { recursive: true, force: true });
}

await main();
