// The agent's first sync in the demo: its namespace adopted before it starts, then waiting until
// it has applied the rendered head and every app is settled (Healthy, or Suspended on purpose).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReconcileResult } from '../agent/types.ts';
import { isSettled } from '../agent/health/rank.ts';
import { git } from './commands.ts';
import type { DemoAgent } from './agent-process.ts';
import type { DemoRepo } from './demo-repo.ts';
import type { Kubectl } from './loop-steps.ts';
import type { Output } from './output.ts';
import { waitFor } from '../test/setup/wait-for.ts';

/** agent.namespace of the project's gitops.config.ts, rendered by apps/gitops-agent.ts. */
const agentNamespace = 'gitops-system';

/**
 * The agent makes its namespace for its Lease before its first apply, unlabelled, and then will
 * not apply over it; so it is applied first as rendered (owner labels and all), as
 * `gitops bootstrap` does.
 */
export async function adoptAgentNamespace(kubectl: Kubectl, repo: DemoRepo, env: string, dir: string): Promise<void> {
  const rendered = await git(repo.bare, 'show', `rendered:${env}/gitops-agent/_cluster/namespace-${agentNamespace}.yaml`).catch(() => undefined);
  if (rendered === undefined) return; // the environment does not render the agent's namespace
  const file = join(dir, `namespace-${agentNamespace}.yaml`);
  writeFileSync(file, rendered);
  await kubectl('apply', '--server-side', '--field-manager=typed-gitops', '-f', file);
}

export async function untilSettled(agent: DemoAgent, repo: DemoRepo, out: Output): Promise<{ suspended: string[] }> {
  const head = (await git(repo.bare, 'rev-parse', 'refs/heads/rendered')).trim();
  const result = await waitFor(`the agent to apply ${head.slice(0, 7)} with every app Healthy`, agent.status, (r) => isDone(r, head), { timeoutMs: 90_000, show: (r) => (r ? summary(r) : 'nothing yet') });
  const apps = Object.entries(result!.health!.apps);
  for (const [app, h] of apps) out.ok(`${app.padEnd(14)} ${h.status}: ${h.message}`);
  return { suspended: apps.filter(([, h]) => h.status === 'Suspended').map(([app]) => app) };
}

function isDone(r: ReconcileResult | undefined, head: string): boolean {
  const apps = Object.values(r?.health?.apps ?? {});
  return r?.ok === true && r.revision === head && apps.length > 0 && apps.every((h) => isSettled(h.status));
}

/** What a timeout shows of the last result: the revision, the errors and what holds health up. */
function summary(r: ReconcileResult | undefined): string {
  if (!r) return 'no reconcile finished yet';
  const unsettled = Object.entries(r.health?.apps ?? {}).filter(([, h]) => !isSettled(h.status)).map(([app, h]) => `${app} ${h.status}: ${h.message}`);
  return [`revision ${r.revision?.slice(0, 7) ?? 'none'}${r.ok ? '' : ' (failed)'}`, ...r.errors, ...unsettled].join('; ')
    + ` (details: gitops status --env ${r.env})`;
}
