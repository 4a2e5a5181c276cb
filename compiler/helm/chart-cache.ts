// Fetched chart archives, kept by digest in the user's cache (~/.cache/typed-gitops/charts/sha256-<hex>.tgz):
// content-addressed, so projects and checkouts share them safely, and a locked chart found here is never fetched.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { typedGitopsCache } from '../../core/go-install.ts';
import { sha256Of } from '../../lib/synth-inputs.ts';

function cacheFile(digest: string): string {
  return join(typedGitopsCache(), 'charts', `${digest.replace(':', '-')}.tgz`);
}

/** The cached archive of `digest`, checked against it; undefined when it is not cached (or was damaged). */
export function cachedChart(digest: string): string | undefined {
  const file = cacheFile(digest);
  return existsSync(file) && archiveDigest(readFileSync(file)) === digest ? file : undefined;
}

/** Stores an archive under its digest; returns the digest and the cached file. */
export function storeChart(archive: Buffer): { digest: string; file: string } {
  const digest = archiveDigest(archive);
  const file = cacheFile(digest);
  mkdirSync(join(file, '..'), { recursive: true });
  const partial = `${file}.${process.pid}.partial`; // renamed when complete: readers never see half an archive
  writeFileSync(partial, archive);
  renameSync(partial, file);
  return { digest, file };
}

function archiveDigest(archive: Buffer): string {
  return `sha256:${sha256Of(archive)}`;
}
