// The agent's commands on the `gitops` command line: `agent` (follow the rendered branch and
// reconcile, or once) and `status` (print an environment's last result). Flags override
// gitops.config.ts, whose defaults apply when it is absent too.
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../compiler/config.ts';
import { UserInputError } from '../compiler/errors.ts';
import { CONFIG_FILE, loadConfig } from '../compiler/load-config.ts';
import { parseDuration } from './duration.ts';
import { createLogger } from './log.ts';
import { createReconciler } from './reconcile.ts';
import { leaderOnly } from './leadership.ts';
import { reconcileOnce, startAgent, type Agent } from './run.ts';
import { openSource } from './source.ts';
import { formatStatus, readStatus } from './status-command.ts';

interface AgentFlags {
  repo: string; branch?: string; env: string; kubeconfig?: string; interval?: string; once?: boolean;
  namespace?: string; listen: string; webhookSecretEnv?: string; prune: boolean; allowEmpty?: boolean;
  forceConflicts: boolean; cacheDir?: string; root?: string; logLevel: string; selfHeal: boolean; leaderElect: boolean;
  healthTimeout: string;
}

interface StatusFlags { env: string; kubeconfig?: string; namespace?: string; json?: boolean; root?: string }

export function registerAgentCommands(cli: Command): void {
  cli.command('agent')
    .description('follow the rendered branch for one environment and make the cluster match it')
    .requiredOption('--repo <url>', 'remote to follow: path, file://, git://, http(s):// or ssh (credentials from git config or environment)')
    .option('--branch <name>', 'rendered branch (default: branches.rendered of gitops.config.ts)')
    .requiredOption('--env <name>', 'environment whose folder of the rendered branch is applied')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--interval <duration>', 'time between reconciles, e.g. 5s, 1m (default: agent.interval)')
    .option('--once', 'reconcile once and exit; non-zero when it failed')
    .option('--namespace <name>', 'namespace of the inventory and status objects (default: agent.namespace)')
    .option('--listen <host:port>', 'address of the webhook, /healthz and /status', '127.0.0.1:9090')
    .option('--webhook-secret-env <name>', 'environment variable holding the shared secret webhook calls must send')
    .option('--no-prune', 'never delete objects that left git (default: agent.prune)')
    .option('--allow-empty', 'allow a revision with no objects to prune everything (default: agent.allowEmpty)')
    .option('--no-force-conflicts', 'fail on fields another field manager owns instead of taking them over')
    .option('--no-self-heal', 'report objects changed in the cluster instead of re-applying them (default: agent.selfHeal)')
    .option('--health-timeout <duration>', 'after creating or changing objects, wait this long for them to become healthy (0s: assess once)', '30s')
    .option('--no-leader-elect', 'skip leader election (only when a single replica runs)')
    .option('--cache-dir <dir>', 'folder of the local clone (default: under $XDG_CACHE_HOME/typed-gitops/agent)')
    .option('--root <dir>', 'project folder whose gitops.config.ts gives the defaults (default: the current folder, if it has one)')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(runAgentCommand);
  cli.command('status')
    .description('the last reconcile of an environment, as the agent recorded it in the cluster')
    .requiredOption('--env <name>', 'environment')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--namespace <name>', 'the agent\'s namespace (default: agent.namespace)')
    .option('--json', 'print the stored result as JSON')
    .option('--root <dir>', 'project folder whose gitops.config.ts gives the defaults')
    .action(async (flags: StatusFlags) => {
      const config = await projectConfig(flags.root, flags.env);
      const result = await readStatus(kubeConfigFrom(flags.kubeconfig), flags.namespace ?? config.agent.namespace, flags.env);
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatStatus(result));
      if (!result.ok) process.exitCode = 1;
    });
}

async function runAgentCommand(flags: AgentFlags): Promise<void> {
  const config = await projectConfig(flags.root, flags.env);
  const interval = parseDuration(flags.interval ?? config.agent.interval, flags.interval ? '--interval' : 'agent.interval');
  if (interval <= 0) throw new UserInputError('the interval must be longer than 0', { hint: "Pass e.g. --interval 10s." });
  const secret = webhookSecret(flags.webhookSecretEnv);
  const log = createLogger({ level: flags.logLevel, bindings: { env: flags.env } });
  const kubeConfig = kubeConfigFrom(flags.kubeconfig);
  const namespace = flags.namespace ?? config.agent.namespace;
  let agent: Agent | undefined;
  const reconciler = createReconciler({
    kubeConfig,
    env: flags.env,
    namespace,
    prune: flags.prune && config.agent.prune, // --no-prune wins; otherwise the config decides
    allowEmpty: flags.allowEmpty ?? config.agent.allowEmpty,
    force: flags.forceConflicts,
    selfHeal: flags.selfHeal && config.agent.selfHeal,
    healthTimeoutMs: parseDuration(flags.healthTimeout, '--health-timeout'),
    // One run needs no watches; a long-running agent watches its objects and heals drift at once.
    watch: !flags.once,
    onDrift: () => agent?.trigger(),
    log,
  });
  const source = openSource({ url: flags.repo, branch: flags.branch ?? config.branches.rendered, cacheDir: flags.cacheDir, log });

  if (flags.once) {
    const result = await reconcileOnce({ source, env: flags.env, reconciler });
    if (!result.ok) process.exitCode = 1;
    return;
  }
  const led = flags.leaderElect ? leaderOnly({ kubeConfig, namespace, env: flags.env, reconciler, log, onStartedLeading: () => agent?.trigger() }) : undefined;
  agent = await startAgent({ source, env: flags.env, reconciler: led?.reconciler ?? reconciler, interval, log, webhook: { listen: flags.listen, secret } });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) { log.warn({ signal }, 'second signal: exiting now'); process.exit(1); }
    stopping = true;
    log.info({ signal }, 'stopping');
    // Exit explicitly: the Kubernetes client may keep idle connections open.
    void agent!.stop()
      .then(() => { reconciler.stop(); return led?.elector.stop(); })
      .then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** gitops.config.ts of --root (required there) or of the current folder (if present); else the defaults. */
async function projectConfig(root: string | undefined, env: string): Promise<ResolvedConfig> {
  const dir = resolve(root ?? process.cwd());
  if (root === undefined && !existsSync(join(dir, CONFIG_FILE))) {
    // The defaults are filled in one place, resolveConfig; an otherwise empty config gets them.
    return resolveConfig({ environments: { [env]: { values: {} } } }, '(built-in defaults)');
  }
  const config = await loadConfig(dir);
  if (!config.environments.some((e) => e.name === env)) {
    throw new UserInputError(`environment '${env}' is not in ${CONFIG_FILE}`, {
      env, file: CONFIG_FILE, hint: `Use one of: ${config.environments.map((e) => e.name).join(', ')}.`,
    });
  }
  return config;
}

function kubeConfigFrom(file: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (file) kubeConfig.loadFromFile(file);
  else kubeConfig.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the pod's service account
  return kubeConfig;
}

function webhookSecret(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (!value) {
    throw new UserInputError(`--webhook-secret-env ${variable}: the variable is not set or empty`, { hint: `Set ${variable} to the shared secret, or leave out --webhook-secret-env.` });
  }
  return value;
}
