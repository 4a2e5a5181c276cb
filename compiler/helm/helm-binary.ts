// Which helm renders charts: `helm` on PATH, else the pinned helm built from its Go module into the cache
// (~/.cache/typed-gitops/helm-<version>/bin/helm; `gitops lock` and CI's .ci/run build it). Helm 4: helm 3 gets
// only security fixes until its end of life (November 2026), so new work goes to 4.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserInputError } from '../../core/errors.ts';
import { builtGoTool, ensureGoTool, type GoTool } from '../../core/go-install.ts';

export const HELM: GoTool = { name: 'helm', pkg: 'helm.sh/helm/v4/cmd/helm', version: 'v4.3.1' };

/** The helm to run, or undefined when there is none yet (build it with ensureHelm). */
export function findHelm(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'helm');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return builtGoTool(HELM);
}

/** The helm to run, building the pinned one first when there is none (minutes, once per machine). */
export async function ensureHelm(log?: (line: string) => void): Promise<string> {
  const found = findHelm();
  if (found) return found;
  try {
    return await ensureGoTool(HELM, log);
  } catch (error) {
    throw new UserInputError(`helm is not on PATH, and building helm ${HELM.version} from its Go module failed: ${(error as Error).message}`, {
      hint: 'Put helm (3 or 4) on PATH, or install Go 1.25 or newer so typed-gitops can build it.',
    });
  }
}

export const HELM_MISSING_HINT = `put helm on PATH, or run \`gitops lock\`, which builds helm ${HELM.version} from its Go module into ~/.cache/typed-gitops (a few minutes, once)`;
