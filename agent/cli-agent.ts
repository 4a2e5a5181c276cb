// The agent's commands on the `gitops` command line: `agent` (follow the rendered branch and
// reconcile, or once) and `status` (print an environment's last result). Only the flags live
// here; agent-command.ts, with the Kubernetes client, loads when one of them runs.
import type { Command } from 'commander';
import { withoutFinalNewline } from '../core/final-newline.ts';
import type { AgentFlags, StatusFlags } from './agent-command.ts';

export function registerAgentCommands(cli: Command): void {
  cli.command('agent')
    .description('follow the rendered branch for one environment and make the cluster match it')
    // From the environment, a URL with a token stays off the agent's own command line (readable by every user of the machine).
    .addOption(cli.createOption('--repo <url>', 'remote to follow: path, file://, git://, http(s):// or ssh (credentials from git config or environment; a URL with a token: give it as GITOPS_REPO)')
      .env('GITOPS_REPO').makeOptionMandatory().argParser(withoutFinalNewline)) // as a Secret made from standard input has it
    .option('--branch <name>', 'rendered branch (default: branches.rendered of gitops.config.ts)')
    .requiredOption('--env <name>', 'environment whose folder of the rendered branch is applied')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--interval <duration>', 'time between reconciles, e.g. 5s, 1m (default: agent.interval)')
    .option('--once', 'reconcile once and exit; non-zero when it failed or is Degraded. Takes the Lease like a running agent: waits up to 25 s for one another agent holds, then exits 3 naming it')
    .option('--namespace <name>', 'namespace of the inventory and status objects (default: agent.namespace)')
    .option('--service-account <[namespace/]name>', 'apply the environment\'s objects as this ServiceAccount (impersonated; name alone: in --namespace), so its RBAC bounds them (default: agent.serviceAccount)')
    .option('--listen <host:port>', 'address of the webhook, /healthz, /readyz, /status, /metrics and the web page', '127.0.0.1:9090')
    .option('--webhook-secret-env <name>', 'environment variable holding the shared secret webhook calls must send or sign with (GitHub, GitLab, HMAC; see README); /status details need it too')
    .option('--notify-url-env <name>', 'environment variable holding the http(s) URL to POST a signed JSON notification to after every reconcile that changed something or failed (see README, Notifications) (default: agent.notify.urlEnv)')
    .option('--notify-secret-env <name>', 'environment variable holding the key of the notifications\' X-Gitops-Signature-256 (HMAC-SHA256) (default: agent.notify.secretEnv)')
    .option('--no-prune', 'never delete objects that left git (default: agent.prune)')
    .option('--allow-empty', 'allow a revision with no objects to prune everything (default: agent.allowEmpty)')
    .option('--no-force-conflicts', 'fail on fields another field manager owns instead of taking them over')
    .option('--no-self-heal', 'report objects changed in the cluster instead of re-applying them (default: agent.selfHeal)')
    .option('--health-timeout <duration>', 'after creating or changing objects, wait this long for them to become healthy (0s: assess once)', '30s')
    .option('--wait-healthy <duration>', 'with --once: reconcile again until the environment is synced and Healthy, up to this long, e.g. 5m; exit 0 as soon as it is, 6 when it is not in time, 5 when Degraded (see README, exit codes)')
    .option('--no-leader-elect', 'skip leader election, also with --once (only when no other agent runs for this environment)')
    .option('--max-file-size <size>', 'refuse a revision with a file larger than this, e.g. 3MiB (default: agent.limits.fileSize)')
    .option('--max-revision-size <size>', 'refuse a revision whose files are larger than this together, e.g. 64MiB (default: agent.limits.revisionSize)')
    .option('--max-objects <n>', 'refuse a revision with more objects (or files) than this (default: agent.limits.objects)')
    .option('--allow-namespaces <globs>', "namespaces the environment's objects may land in, e.g. 'team-a-*,shop' (default: environments.<env>.bounds.namespaces of --root's gitops.config.ts, else '*')")
    .option('--allow-cluster-kinds <kinds>', "cluster-scoped kinds the environment may hold, 'group/Kind' or 'Kind' (default: environments.<env>.bounds.clusterKinds, else 'Namespace'; '' for none)")
    .option('--deny-kinds <kinds>', 'kinds the environment may not hold in any scope (default: environments.<env>.bounds.deniedKinds, else none)')
    .option('--allow-rewind', 'follow a rendered head that does not descend from the last applied commit (a force-push back), with a notice (default: agent.allowRewind; else such a head is refused)')
    .option('--verify <mode>', "head: apply only a commit with a good signature by an allowed key; off: no check (default: agent.verify.mode; head when keys are given)")
    .option('--allowed-signers <file>', 'SSH allowed_signers file of the keys rendered commits may be signed with (default: agent.verify.allowedSigners)')
    .option('--openpgp-keys <file>', 'armored OpenPGP public keys rendered commits may be signed with (default: agent.verify.openpgpKeys)')
    .option('--verify-keys-secret <[namespace/]name>', 'Secret of allowed keys (key allowed_signers, keys ending .asc), read with the agent\'s own identity for each new head; name alone: in --namespace (default: agent.verify.secret)')
    .option('--platform-keys-secret <[namespace/]name>', 'with --service-account: Secret of the platform\'s keys (as --verify-keys-secret\'s); a commit that changes the agent\'s own objects must be signed by one of them (default: none may, gitops bootstrap changes them)')
    .option('--age-key-secret <[namespace/]name>', "Secret whose keys ending .agekey hold the age identities that decrypt the environment's encrypted Secrets, read with the agent's own identity; name alone: in --namespace")
    .option('--age-key-file <file>', "file of age identities (AGE-SECRET-KEY-1…) that decrypt the environment's encrypted Secrets")
    .option('--settings <[namespace/]name>', 'ConfigMap of the platform\'s settings (keys namespaces, clusterKinds, deniedKinds: comma lists), read at each reconcile; flags win over it, it wins over --root\'s config (default: agent.settings)')
    .option('--git-timeout <duration>', 'longest one git command (ls-remote, fetch) may run before it is stopped and retried', '2m')
    .option('--cache-dir <dir>', 'folder of the local clone (default: under $XDG_CACHE_HOME/typed-gitops/agent)')
    .option('--root <dir>', 'project folder whose gitops.config.ts gives the defaults (default: the current folder, if it has one)')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(async (flags: AgentFlags) => (await import('./agent-command.ts')).runAgentCommand(flags));
  cli.command('status')
    .description('the last reconcile of each environment (or one), as the agent recorded it in the cluster; non-zero when one failed or is Degraded (see README, exit codes)')
    .option('--env <name>', 'only this environment (default: every environment with a status in --namespace)')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--namespace <name>', 'the agent\'s namespace (default: agent.namespace)')
    .option('--output <format>', 'table or json (with --env the stored result, else a list of them)', 'table')
    .option('--json', 'the same as --output json')
    .option('--watch', 'print again whenever a status changes (until Ctrl-C, or until --wait-healthy ends)')
    .option('--wait-healthy <duration>', 'wait up to this long, e.g. 5m, for every environment to be synced and Healthy: exit 0 as soon as it is, 6 when it is not in time')
    .option('--commit <sha>', 'with --wait-healthy: only a status of this rendered or source commit (or a prefix) counts')
    .option('--root <dir>', 'project folder whose gitops.config.ts gives the defaults')
    .action(async (flags: StatusFlags) => (await import('./agent-command.ts')).runStatusCommand(flags));
}

