// Fresh-clone scenarios of bench:synth, as a CI job sees them: a bare `origin` holding `main` (the generated
// project) and the rendered branch published from it. Each sample clones origin into a new folder (no
// .gitops-cache/, no dist/) and changes one or every app; only the command run after that is measured.
// Clones live under the repo, so node_modules and the typed-gitops package resolve as in the other bench
// projects (no npm install). They are set aside after all samples of a size and deleted after the last
// sample of the run: deleting thousands of files right before a measured run slows the file creation it
// measures (set-aside.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appSource, chartName, type BenchProjects } from './generate.ts';
import type { Command } from './measure.ts';
import type { SetAside } from './set-aside.ts';

export type FreshTool = 'freshOne' | 'freshEvery' | 'publishOne';

/** What one sample runs: `prepare` (not measured) makes the clone and returns the command; `after` (not measured) follows it. */
export interface Scenario {
  prepare(): Command;
  after?(): void;
}

export interface FreshOrigin {
  readonly scenarios: Readonly<Record<FreshTool, Scenario>>;
  /** Sets the origin and every clone aside (set-aside.ts). */
  setAside(): void;
}

/** How bench runs `gitops <args>` (the same node and bin as the other columns). */
export type Gitops = (args: readonly string[]) => Command;

const IDENTITY = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com'];
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * A new origin for the projects, with the rendered branch made by `gitops publish` from a first clone.
 * `synthFlags` are added to the fresh-clone synth commands (e.g. `--cache-from origin/rendered`).
 */
export function makeOrigin(p: BenchProjects, gitops: Gitops, run: (c: Command) => void, synthFlags: readonly string[], aside: SetAside): FreshOrigin {
  const base = join(p.ours, '..', 'fresh');
  aside.move(base);
  const origin = join(base, 'origin.git');
  const clones = join(base, 'clones');
  mkdirSync(clones, { recursive: true });
  seed(p, origin, join(base, 'seed'));
  let count = 0;
  const clone = (): string => {
    const dir = join(clones, String(++count));
    git(clones, 'clone', '--quiet', origin, dir);
    return dir;
  };
  // Every sample gets a release value no earlier commit had, so the changed apps really differ from the rendered branch.
  const change = (dir: string, apps: number) => {
    for (let c = 0; c < apps; c++) writeFileSync(join(dir, 'ours', 'apps', `${chartName(c)}.ts`), appSource(c, `fresh-${count}`));
  };
  const publishFrom = (dir: string): Command => gitops(['publish', '--root', join(dir, 'ours')]);
  run(publishFrom(clone()));

  let published = '';
  const synth = (apps: number): Scenario => ({
    prepare() {
      const dir = clone();
      change(dir, apps);
      return gitops(['synth', '--root', join(dir, 'ours'), '--no-typecheck', ...synthFlags]);
    },
  });
  const scenarios: Record<FreshTool, Scenario> = {
    freshOne: synth(1),
    freshEvery: synth(p.charts),
    publishOne: {
      prepare() {
        published = clone();
        change(published, 1);
        commitAll(published, `release of ${chartName(0)}`);
        return publishFrom(published);
      },
      // main moves too, so the next clone holds the source commit the rendered head names (publish never goes backwards).
      after: () => git(published, 'push', '--quiet', 'origin', 'main'),
    },
  };
  return { scenarios, setAside: () => aside.move(base) };
}

/** The generated project (ours/ and the shared chart it imports) as the only commit of main on a new bare origin. */
function seed(p: BenchProjects, origin: string, dir: string): void {
  git(join(origin, '..'), 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  // It stands in for the CI's git host, whose storage work does not run on the CI machine: no `gc --auto` after a
  // push, and a pushed pack is kept as it is rather than written out as one file per object.
  git(origin, 'config', 'receive.autogc', 'false');
  git(origin, 'config', 'receive.unpackLimit', '1');
  for (const part of ['gitops.config.ts', 'tsconfig.json', 'apps']) cpSync(join(p.ours, part), join(dir, 'ours', part), { recursive: true });
  cpSync(join(p.ours, '..', 'shared'), join(dir, 'shared'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'dist/\n.gitops-cache/\n');
  git(dir, 'init', '--quiet', '--initial-branch=main');
  commitAll(dir, 'generated services');
  git(dir, 'push', '--quiet', origin, 'main');
}

function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, ...IDENTITY, 'commit', '--quiet', '-m', message);
}
