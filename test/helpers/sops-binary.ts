// Builds (or reuses) the real `sops` from its Go module into the cache, beside the
// control plane's binaries, for the interop tests: `go install` of a pinned version.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withBuildLock } from '../controlplane/build-lock.js';
import { runGo } from '../controlplane/go-command.js';
import { cacheRoot } from '../controlplane/paths.js';

export const sopsModule = 'github.com/getsops/sops/v3/cmd/sops';
export const sopsVersion = 'v3.13.3';

/** Path of the sops binary, built first when this version is not in the cache yet (cold: a few minutes). */
export async function ensureSops(log: (line: string) => void = (l) => console.error(`[sops:build] ${l}`)): Promise<string> {
  const root = join(cacheRoot(), '..', `sops-${sopsVersion}`);
  const binary = join(root, 'bin', 'sops');
  const done = join(root, 'built');
  if (existsSync(done) && existsSync(binary)) return binary;
  mkdirSync(join(root, 'bin'), { recursive: true });
  await withBuildLock(join(root, 'build.lock'), log, async () => {
    if (existsSync(done) && existsSync(binary)) return;
    const logFile = join(root, 'build.log');
    writeFileSync(logFile, '');
    const args = ['install', '-trimpath', '-ldflags=-s -w', `${sopsModule}@${sopsVersion}`];
    await runGo({ step: `go install sops ${sopsVersion}`, args, cwd: root, logFile, env: { GOBIN: join(root, 'bin') } }, log);
    writeFileSync(done, `${sopsVersion}\n`);
  });
  return binary;
}
