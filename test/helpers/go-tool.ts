// Builds (or reuses) a command-line tool from its Go module into the cache beside the control plane's
// binaries: `go install` of a pinned version with GOBIN in the cache, once per version, under a lock.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withBuildLock } from '../controlplane/build-lock.js';
import { runGo } from '../controlplane/go-command.js';
import { cacheRoot } from '../controlplane/paths.js';

export interface GoTool {
  /** The binary's name, e.g. 'actionlint'. */
  readonly name: string;
  /** The package to install, e.g. 'github.com/rhysd/actionlint/cmd/actionlint'. */
  readonly pkg: string;
  /** A pinned module version: a new one builds into a new folder. */
  readonly version: string;
}

export const actionlint: GoTool = { name: 'actionlint', pkg: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' };
/** The real sops, for the interop tests (test/sops/). Cold build: a few minutes. */
export const sops: GoTool = { name: 'sops', pkg: 'github.com/getsops/sops/v3/cmd/sops', version: 'v3.13.3' };

/** Every tool the tests use, so CI builds them before the tests run (.ci/run). */
export const GO_TOOLS: readonly GoTool[] = [actionlint, sops];

/** Path of the tool's binary, built first when this version is not in the cache yet. */
export async function ensureGoTool(tool: GoTool, log: (line: string) => void = (l) => console.error(`[${tool.name}:build] ${l}`)): Promise<string> {
  const root = join(cacheRoot(), '..', `${tool.name}-${tool.version}`);
  const binary = join(root, 'bin', tool.name);
  const done = join(root, 'built'); // written last: an interrupted build is never taken for a finished one
  if (existsSync(done) && existsSync(binary)) return binary;
  mkdirSync(join(root, 'bin'), { recursive: true });
  await withBuildLock(join(root, 'build.lock'), log, async () => {
    if (existsSync(done) && existsSync(binary)) return;
    const logFile = join(root, 'build.log');
    writeFileSync(logFile, '');
    const args = ['install', '-trimpath', '-ldflags=-s -w', `${tool.pkg}@${tool.version}`];
    await runGo({ step: `go install ${tool.name} ${tool.version}`, args, cwd: root, logFile, env: { GOBIN: join(root, 'bin') } }, log);
    writeFileSync(done, `${tool.version}\n`);
  });
  return binary;
}
