// The command-line tools the tests build from their Go modules (core/go-install.ts), pinned.
import type { GoTool } from '../../core/go-install.ts';
import { HELM } from '../../compiler/helm/helm-binary.ts';

export { ensureGoTool, type GoTool } from '../../core/go-install.ts';

export const actionlint: GoTool = { name: 'actionlint', pkg: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' };
/** The real sops, for the interop tests (test/sops/). Cold build: a few minutes. */
export const sops: GoTool = { name: 'sops', pkg: 'github.com/getsops/sops/v3/cmd/sops', version: 'v3.13.3' };
/** An OCI registry (CNCF distribution) for the Helm tests (test/helm/), served on loopback. */
export const registry: GoTool = { name: 'registry', pkg: 'github.com/distribution/distribution/v3/cmd/registry', version: 'v3.1.2' };

/** Every tool the tests use, so CI builds them before the tests run (.ci/run); helm is the compiler's own pin. */
export const GO_TOOLS: readonly GoTool[] = [actionlint, sops, HELM, registry];
