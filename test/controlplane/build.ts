// Builds (or reuses) the control-plane binaries from Go modules into the cache
// folder for the pinned versions: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kwok, plus kwok's stage configs. The manifest is written last,
// so an interrupted build is never mistaken for a finished one.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlaneError } from './errors.js';
import { formatElapsed, goOutput, runGo, withBuildLock } from '../../core/go-install.ts';
import { collectKwokStages, stageNames } from './kwok-stages.js';
import { buildPaths, type BuildPaths } from './paths.js';
import { cacheKey, versions, type Versions } from './versions.js';
import { versionLdflags, wrapperGoMod, wrapperPackages } from './wrapper-module.js';

export const binaryNames = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type BinaryName = (typeof binaryNames)[number];

export interface Binaries {
  readonly paths: BuildPaths;
  readonly bin: Readonly<Record<BinaryName, string>>;
  readonly kwokStages: string;
}

export interface BuildManifest {
  readonly versions: Versions;
  readonly builtAt: string;
  /** Wall time of each step in ms; the first binary also pays for the shared packages. */
  readonly stepsMs: Readonly<Record<string, number>>;
  readonly totalMs: number;
  readonly kwokStages: readonly string[];
}

export interface BuildOptions {
  readonly log?: (line: string) => void;
  /** Rebuild even when a finished build is cached. */
  readonly force?: boolean;
}

/** Returns the cached binaries, building them first when the pins changed or nothing is cached. */
export async function ensureBinaries(options: BuildOptions = {}): Promise<Binaries> {
  const log = options.log ?? ((line: string) => console.error(`[cluster:build] ${line}`));
  const paths = buildPaths(cacheKey(versions));
  if (!options.force && isComplete(paths)) return binariesIn(paths);
  mkdirSync(paths.root, { recursive: true });
  await withBuildLock(join(paths.root, 'build.lock'), log, async () => {
    // The build we waited for may have finished the job.
    if (!options.force && isComplete(paths)) return;
    log(`building ${cacheKey(versions)} into ${paths.root} (cold: 10-20 min on 2 cores; progress every 30 s)`);
    await build(paths, versions, log);
  });
  return binariesIn(paths);
}

export function readManifest(paths: BuildPaths = buildPaths()): BuildManifest | undefined {
  return existsSync(paths.manifest) ? (JSON.parse(readFileSync(paths.manifest, 'utf8')) as BuildManifest) : undefined;
}

function isComplete(paths: BuildPaths): boolean {
  return readManifest(paths) !== undefined && binaryNames.every((b) => existsSync(join(paths.bin, b)));
}

function binariesIn(paths: BuildPaths): Binaries {
  const bin = Object.fromEntries(binaryNames.map((b) => [b, join(paths.bin, b)])) as Record<BinaryName, string>;
  return { paths, bin, kwokStages: paths.kwokStages };
}

async function build(paths: BuildPaths, v: Versions, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  rmSync(paths.manifest, { force: true });
  for (const dir of [paths.bin, paths.logs, paths.wrapper]) mkdirSync(dir, { recursive: true });
  const logFile = join(paths.logs, 'build.log');
  writeFileSync(logFile, `build ${cacheKey(v)} started ${new Date().toISOString()}\n`);
  const stepsMs: Record<string, number> = {};

  await checkGoVersion(v, paths.root, logFile);

  const k8sModule = await downloadModule(`k8s.io/kubernetes@${v.kubernetes}`, paths.root, logFile);
  writeFileSync(join(paths.wrapper, 'go.mod'), wrapperGoMod(readFileSync(k8sModule.GoMod, 'utf8'), v));
  const step = (name: string, args: string[], cwd: string, env?: Record<string, string>) =>
    runGo({ step: name, args, cwd, logFile, env }, log);

  stepsMs['resolve modules'] = await step('resolve modules (go mod tidy)', ['mod', 'tidy'], paths.wrapper);
  for (const [binary, pkg] of Object.entries(wrapperPackages())) {
    const ldflags = `-s -w ${versionLdflags(binary, v)}`;
    stepsMs[binary] = await step(
      `build ${binary}`,
      ['build', '-trimpath', '-ldflags', ldflags, '-o', join(paths.bin, binary), pkg],
      paths.wrapper,
    );
  }
  // kwok has no replace directives, so plain `go install module@version` works.
  stepsMs.kwok = await step(
    'build kwok',
    ['install', '-trimpath', '-ldflags', `-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${v.kwok.replace(/^v/, '')}`, `sigs.k8s.io/kwok/cmd/kwok@${v.kwok}`],
    paths.root,
    { GOBIN: paths.bin },
  );
  const kwokModule = await downloadModule(`sigs.k8s.io/kwok@${v.kwok}`, paths.root, logFile);
  const stages = collectKwokStages(kwokModule.Dir);
  writeFileSync(paths.kwokStages, stages);

  const manifest: BuildManifest = {
    versions: v,
    builtAt: new Date().toISOString(),
    stepsMs,
    totalMs: Date.now() - started,
    kwokStages: stageNames(stages),
  };
  writeFileSync(paths.manifest, JSON.stringify(manifest, null, 2) + '\n');
  log(`all binaries built in ${formatElapsed(manifest.totalMs)}; log: ${logFile}`);
}

async function checkGoVersion(v: Versions, cwd: string, logFile: string): Promise<void> {
  let out: string;
  try {
    out = await goOutput(['env', 'GOVERSION'], cwd, 'go version', logFile);
  } catch (err) {
    if (err instanceof ControlPlaneError) throw err;
    throw new ControlPlaneError('build', `cannot run go: ${(err as Error).message}`, `install ${v.go} and put it on PATH`);
  }
  const found = out.trim();
  if (found !== v.go) {
    throw new ControlPlaneError(
      'build',
      `Go toolchain is ${found}, the pins say ${v.go}`,
      `use ${v.go}, or update "go" in test/controlplane/versions.ts after checking the build`,
    );
  }
}

interface DownloadedModule {
  readonly Dir: string;
  readonly GoMod: string;
}

async function downloadModule(spec: string, cwd: string, logFile: string): Promise<DownloadedModule> {
  const out = await goOutput(['mod', 'download', '-json', spec], cwd, `download ${spec}`, logFile);
  return JSON.parse(out) as DownloadedModule;
}
