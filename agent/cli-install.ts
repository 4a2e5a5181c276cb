// `gitops bootstrap` and `gitops uninstall` on the command line: install the agent of an environment in
// its cluster once (from then on it manages itself from git), or remove it. Only the flags live here;
// bootstrap.ts and uninstall.ts load when one of them runs. Not in the agent's bundle (agent/main.ts).
import type { Command } from 'commander';
import { parseDuration } from './duration.ts';

interface BootstrapFlags { env: string; repo: string; kubeconfig?: string; root: string; timeout: string }
interface UninstallFlags { env: string; kubeconfig?: string; namespace?: string; root?: string; pruneAll?: boolean; timeout: string }

export function registerInstallCommands(cli: Command): void {
  cli.command('bootstrap')
    .description("install the agent of an environment in the cluster, as its app renders it; from then on it manages itself from the rendered branch")
    .requiredOption('--env <name>', 'environment whose agent is installed')
    .requiredOption('--repo <url>', "remote of the rendered branch, without credentials (the GitOpsAgent's repo; a token goes into the Secret bootstrap names)")
    .option('--kubeconfig <file>', 'kubeconfig of someone who may create everything the agent app renders (default: KUBECONFIG, ~/.kube/config)')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--timeout <duration>', "how long to wait for the agent's Deployment to be available", '5m')
    .action(async (flags: BootstrapFlags) => {
      const { bootstrap } = await import('./bootstrap.ts');
      await bootstrap({ ...flags, timeoutMs: parseDuration(flags.timeout, '--timeout'), print: (line) => console.log(line) });
    });
  cli.command('uninstall')
    .description("remove the agent of an environment (Deployment first, then its other objects, inventory, status and Lease); what it applied stays unless --prune-all")
    .requiredOption('--env <name>', 'environment whose agent is removed')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config)')
    .option('--namespace <name>', "the agent's namespace (default: agent.namespace of --root's gitops.config.ts, else gitops-system)")
    .option('--prune-all', "also delete every object the agent applied (from its inventory; only those carrying its owner labels for the environment)")
    .option('--timeout <duration>', 'how long to wait for the Deployment to be gone', '2m')
    .option('--root <dir>', 'project folder whose gitops.config.ts gives the defaults')
    .action(async (flags: UninstallFlags) => {
      const [{ uninstall }, { agentNamespace }] = await Promise.all([import('./uninstall.ts'), import('./agent-command.ts')]);
      const namespace = flags.namespace ?? await agentNamespace(flags.root, flags.env);
      await uninstall({ ...flags, namespace, pruneAll: flags.pruneAll === true, timeoutMs: parseDuration(flags.timeout, '--timeout'), print: (line) => console.log(line) });
    });
}
