// The repository root, found from the working folder: bench scripts run bundled from .gitops-cache/bin
// (bin/run-ts.js), so import.meta.url does not point into bench/.
import { findPackageRoot } from '../core/bundle.ts';

export const repoRoot = findPackageRoot(process.cwd());
