// What `gitops agent` and `gitops status` do once their flags are parsed (cli-agent.ts). Flags
// override gitops.config.ts, whose defaults apply when it is absent too.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig, type AgentNotify, type ResolvedConfig, type ResolvedVerify } from '../core/config.ts';
import { UserInputError } from '../core/errors.ts';
import { withoutFinalNewline } from '../core/final-newline.ts';
import { CONFIG_FILE, loadConfig } from '../core/load-config.ts';
import { ageIdentitiesFromFile, ageIdentitiesFromSecret, combinedIdentities, type AgeIdentities } from './age-identities.ts';
import { parseDuration } from './duration.ts';
import { loadConnection } from './kubeconfig.ts';
import { createLogger, type Logger } from './log.ts';
import { createNotifier, notifyUrl, type Notifier } from './notify.ts';
import { notifyingReconciler } from './notify-reconciler.ts';
import { inventoryRevision } from './inventory.ts';
import { boundsList, DEFAULT_BOUNDS, type Bounds } from '../core/bounds.ts';
import type { KubeClient } from './kube.ts';
import { createReconciler, type Reconciler } from './reconcile.ts';
import type { ReservedObjects } from './reserved.ts';
import type { RevisionGuard } from './revision-guard.ts';
import { parseNamedObject, type NamedObject } from './named-object.ts';
import { layeredBounds, readSettings } from './settings.ts';
import { gatedReconciler, revisionGate } from './revision-gate.ts';
import { openVerifier, type CommitVerifier } from './verify.ts';
import { platformApprover, type PlatformApprover } from './platform-approval.ts';
import { leaderOnly, onceAsLeader } from './leadership.ts';
import { withLimitFlags, type LimitFlags } from '../core/limits.ts';
import { reconcileOnce, startAgent, type Agent } from './run.ts';
import { openSource } from './source.ts';
import { createTelemetry } from './telemetry.ts';
import { verdictOf } from './status-verdict.ts';
import { reconcileUntilHealthy } from './wait-healthy.ts';
import { formatStatus, readAllStatuses, readStatus, statusPrinter, watchStatus } from './status-command.ts';

export interface AgentFlags extends LimitFlags {
  repo: string; branch?: string; env: string; kubeconfig?: string; interval?: string; once?: boolean;
  namespace?: string; listen: string; webhookSecretEnv?: string; prune: boolean; allowEmpty?: boolean;
  forceConflicts: boolean; cacheDir?: string; root?: string; logLevel: string; selfHeal: boolean; leaderElect: boolean;
  healthTimeout: string; gitTimeout: string; serviceAccount?: string; allowRewind?: boolean;
  verify?: string; allowedSigners?: string; openpgpKeys?: string; verifyKeysSecret?: string; settings?: string; platformKeysSecret?: string;
  ageKeySecret?: string; ageKeyFile?: string;
  allowNamespaces?: string; allowClusterKinds?: string; denyKinds?: string; waitHealthy?: string;
  notifyUrlEnv?: string; notifySecretEnv?: string;
}

export interface StatusFlags {
  env?: string; kubeconfig?: string; namespace?: string; json?: boolean; output?: string; root?: string;
  watch?: boolean; waitHealthy?: string; commit?: string;
}

export async function runAgentCommand(flags: AgentFlags): Promise<void> {
  const config = await projectConfig(flags.root, flags.env);
  const interval = parseDuration(flags.interval ?? config.agent.interval, flags.interval ? '--interval' : 'agent.interval');
  if (interval <= 0) throw new UserInputError('the interval must be longer than 0', { hint: "Pass e.g. --interval 10s." });
  const secret = webhookSecret(flags.webhookSecretEnv);
  const waitHealthy = onceWaitHealthy(flags);
  const verify = verifySettings(flags, config.agent.verify);
  const namedIn = (ns: string) => ({
    serviceAccount: named(ns, 'ServiceAccount', [flags.serviceAccount, '--service-account'], [config.agent.serviceAccount, 'agent.serviceAccount']),
    settings: named(ns, 'ConfigMap', [flags.settings, '--settings'], [config.agent.settings, 'agent.settings']),
    keysSecret: named(ns, 'Secret', [verify.secret && flags.verifyKeysSecret, '--verify-keys-secret'], [verify.secret, 'agent.verify.secret']),
    platformKeys: named(ns, 'Secret', [flags.platformKeysSecret, '--platform-keys-secret']),
    ageSecret: named(ns, 'Secret', [flags.ageKeySecret, '--age-key-secret']),
  });
  namedIn(flags.namespace ?? config.agent.namespace); // a bad value fails before any file is read
  const log = createLogger({ level: flags.logLevel, bindings: { env: flags.env } });
  const connection = loadConnection(flags.kubeconfig);
  const namespace = flags.namespace ?? connection.podNamespace ?? config.agent.namespace; // in a pod: the one it runs in
  const { serviceAccount, settings, keysSecret, platformKeys, ageSecret } = namedIn(namespace);
  const limits = withLimitFlags(config.agent.limits, flags);
  let agent: Agent | undefined;
  let approver: PlatformApprover | undefined;
  const notifier = openNotifier(flags, config.agent.notify, log);
  const reconciler: Reconciler = withNotifier(notifier, flags.env, createReconciler({
    connection,
    env: flags.env,
    namespace,
    prune: flags.prune && config.agent.prune, // --no-prune wins; otherwise the config decides
    allowEmpty: flags.allowEmpty ?? config.agent.allowEmpty,
    force: flags.forceConflicts,
    selfHeal: flags.selfHeal && config.agent.selfHeal,
    // --wait-healthy polls between reconciles instead (a Degraded object ends it at once).
    healthTimeoutMs: waitHealthy !== undefined ? 0 : parseDuration(flags.healthTimeout, '--health-timeout'),
    // One run needs no watches; a long-running agent watches its objects and heals drift at once.
    watch: !flags.once,
    onDrift: () => agent?.trigger(),
    limits,
    log,
    serviceAccount,
    ...(platformKeys ? { platformApproval: (commit: string) => approver!.approve(commit) } : {}),
    bounds: boundsSettings(flags, config, settings && (() => readSettings(reconciler.kube, settings))),
    reserved: reservedObjects(namespace, { settings, keysSecret, platformKeys, ageSecret }),
    ageIdentities: ageIdentitiesFor(flags.ageKeyFile, ageSecret, () => reconciler.kube),
  }));
  const gitTimeout = parseDuration(flags.gitTimeout, '--git-timeout');
  const source = openSource({ url: flags.repo, branch: flags.branch ?? config.branches.rendered, cacheDir: flags.cacheDir, gitTimeout, limits, log });
  const verifier = await verifierFor(verify, source.dir, gitTimeout, keysSecret && { ...keysSecret, kube: reconciler.kube });
  if (platformKeys) approver = await platformApprover(source.dir, { ...platformKeys, kube: reconciler.kube }, gitTimeout);
  const closeKeys = () => Promise.all([verifier?.close(), approver?.close()]);
  const gate = revisionGate({
    source, log, verify: verifier?.verify,
    appliedRevision: () => inventoryRevision(reconciler.kube, namespace, flags.env),
    allowRewind: flags.allowRewind ?? config.agent.allowRewind,
  });

  if (flags.once) {
    const gated = gatedReconciler(reconciler, gate);
    const led = flags.leaderElect ? onceAsLeader({ connection, namespace, env: flags.env, reconciler: gated, log }) : gated;
    const once = { source, env: flags.env, reconciler: led };
    const result = await (waitHealthy === undefined ? reconcileOnce(once) : reconcileUntilHealthy({ ...once, waitMs: waitHealthy })).finally(() => Promise.all([closeKeys(), notifier?.close(10_000)]));
    const verdict = verdictOf(result, waitHealthy !== undefined);
    if (verdict.code !== 0) { process.stderr.write(`${verdict.reason}\n`); process.exitCode = verdict.code; }
    return;
  }
  const led = flags.leaderElect ? leaderOnly({ connection, namespace, env: flags.env, reconciler, log, onStartedLeading: () => agent?.trigger() }) : undefined;
  const telemetry = createTelemetry({ env: flags.env, remote: source.remote, cloneDir: source.dir, intervalMs: interval, kube: reconciler.kube });
  agent = await startAgent({
    source, env: flags.env, reconciler: led?.reconciler ?? reconciler, gate, interval, log,
    webhook: { listen: flags.listen, secret, views: telemetry.views }, observer: telemetry.observer,
  });
  stopOnSignal(log, () => agent!.stop()
    .then(() => { reconciler.stop(); telemetry.close(); return Promise.all([led?.elector.stop(), closeKeys(), notifier?.close(5_000)]); }));
}

/** SIGTERM or SIGINT: `stop`, then exit (the Kubernetes client may keep idle connections open); a second signal exits at once. */
function stopOnSignal(log: Logger, stop: () => Promise<unknown>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) { log.warn({ signal }, 'second signal: exiting now'); process.exit(1); }
    stopping = true;
    log.info({ signal }, 'stopping');
    void stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

export async function runStatusCommand(flags: StatusFlags): Promise<void> {
  const output = flags.json ? 'json' : flags.output ?? 'table';
  if (output !== 'table' && output !== 'json') throw new UserInputError(`--output ${output}: not an output format`, { hint: 'Pass --output table or --output json.' });
  const waitMs = flags.waitHealthy === undefined ? undefined : parseDuration(flags.waitHealthy, '--wait-healthy');
  const config = await projectConfig(flags.root, flags.env);
  const connection = loadConnection(flags.kubeconfig);
  const namespace = flags.namespace ?? connection.podNamespace ?? config.agent.namespace;
  const read = flags.env ? async () => [await readStatus(connection, namespace, flags.env!)] : () => readAllStatuses(connection, namespace);
  const verdict = await watchStatus({ read, show: statusPrinter(output, { single: flags.env !== undefined, watch: flags.watch }), waitMs, watch: flags.watch, commit: flags.commit });
  if (verdict.code !== 0) {
    process.stderr.write(`${verdict.reason}\n`);
    process.exitCode = verdict.code;
  }
}

/** agent.namespace of the project's config (for `gitops uninstall`). */
export async function agentNamespace(root: string | undefined, env: string): Promise<string> {
  return (await projectConfig(root, env)).agent.namespace;
}

/** gitops.config.ts of --root (required there) or of the current folder (if present); else the defaults. */
async function projectConfig(root: string | undefined, env: string | undefined): Promise<ResolvedConfig> {
  const dir = resolve(root ?? process.cwd());
  if (root === undefined && !existsSync(join(dir, CONFIG_FILE))) {
    // The defaults are filled in one place, resolveConfig; an otherwise empty config gets them.
    return resolveConfig({ environments: { [env ?? 'default']: { values: {} } } }, '(built-in defaults)');
  }
  const config = await loadConfig(dir);
  if (env !== undefined && !config.environments.some((e) => e.name === env)) {
    throw new UserInputError(`environment '${env}' is not in ${CONFIG_FILE}`, {
      env, file: CONFIG_FILE, hint: `Use one of: ${config.environments.map((e) => e.name).join(', ')}.`,
    });
  }
  return config;
}

type Setting = readonly [value: string | undefined, name: string];

/** The object the flag names (when given), else the one the config names; undefined when neither names one. */
function named(namespace: string, kind: string, [flag, flagName]: Setting, [configured, key]: Setting = [undefined, '']): NamedObject | undefined {
  const [value, name] = flag !== undefined ? [flag, flagName] : [configured, key];
  return value ? parseNamedObject(value, namespace, name, kind) : undefined;
}

/**
 * The environment's bounds, never from the branch: each list from its flag, else from the settings ConfigMap
 * (read at each reconcile, when there is one), else from the agent's own project (--root), else the defaults.
 */
function boundsSettings(flags: AgentFlags, config: ResolvedConfig, settings?: () => Promise<Partial<Bounds>>): RevisionGuard['bounds'] {
  const configured = config.environments.find((e) => e.name === flags.env)?.bounds ?? DEFAULT_BOUNDS;
  const flag = (value: string | undefined) => (value === undefined ? undefined : boundsList(value));
  const given = { namespaces: flag(flags.allowNamespaces), clusterKinds: flag(flags.allowClusterKinds), deniedKinds: flag(flags.denyKinds) };
  if (!settings) return layeredBounds(given, {}, configured);
  return async () => layeredBounds(given, await settings(), configured);
}

/** The agent's own objects, which no revision may hold. */
export function reservedObjects(namespace: string, named: { settings?: NamedObject; keysSecret?: NamedObject; platformKeys?: NamedObject; ageSecret?: NamedObject } = {}): ReservedObjects {
  const { settings, keysSecret, platformKeys, ageSecret } = named;
  return {
    namespace,
    named: [
      ...(settings ? [{ kind: 'ConfigMap' as const, ...settings, role: "the agent's settings ConfigMap (--settings, agent.settings)" }] : []),
      ...(keysSecret ? [{ kind: 'Secret' as const, ...keysSecret, role: "the agent's Secret of allowed keys (--verify-keys-secret, agent.verify.secret)" }] : []),
      ...(platformKeys ? [{ kind: 'Secret' as const, ...platformKeys, role: "the platform's keys Secret (--platform-keys-secret)" }] : []),
      ...(ageSecret ? [{ kind: 'Secret' as const, ...ageSecret, role: "the agent's age key Secret (--age-key-secret)" }] : []),
    ],
  };
}

/** agent.verify with the flags over it; key paths relative to the project folder (--root or the current folder). */
function verifySettings(flags: AgentFlags, configured: ResolvedVerify): ResolvedVerify {
  const dir = resolve(flags.root ?? process.cwd());
  const allowedSigners = flags.allowedSigners ?? configured.allowedSigners;
  const openpgpKeys = flags.openpgpKeys !== undefined ? [flags.openpgpKeys] : configured.openpgpKeys;
  const keys = { ...(allowedSigners ? { allowedSigners: resolve(dir, allowedSigners) } : {}), openpgpKeys: openpgpKeys.map((k) => resolve(dir, k)) };
  const secret = flags.verifyKeysSecret ?? configured.secret;
  const given = flags.allowedSigners !== undefined || flags.openpgpKeys !== undefined || flags.verifyKeysSecret !== undefined;
  const mode = flags.verify ?? (given ? 'head' : configured.mode);
  if (mode !== 'head' && mode !== 'off') throw new UserInputError(`--verify ${mode}: not a verification mode`, { hint: 'Pass --verify head (only signed commits by allowed keys) or --verify off.' });
  if (mode === 'head' && !keys.allowedSigners && keys.openpgpKeys.length === 0 && !secret) {
    throw new UserInputError('--verify head needs allowed keys', { hint: 'Pass --allowed-signers <file>, --openpgp-keys <file> and/or --verify-keys-secret <[namespace/]name> (or set agent.verify in gitops.config.ts).' });
  }
  return { mode, ...keys, ...(secret && mode === 'head' ? { secret } : {}) };
}

async function verifierFor(settings: ResolvedVerify, dir: string, timeoutMs: number, secret?: NamedObject & { kube: KubeClient }): Promise<CommitVerifier | undefined> {
  if (settings.mode === 'off') return undefined;
  return openVerifier({ dir, keys: settings, timeoutMs, ...(secret ? { secret } : {}) });
}

/** The age identities of --age-key-secret (read with the agent's own identity when needed) and --age-key-file. */
function ageIdentitiesFor(file: string | undefined, secret: NamedObject | undefined, kube: () => KubeClient): AgeIdentities | undefined {
  return combinedIdentities([
    ...(secret ? [() => ageIdentitiesFromSecret(kube(), secret)()] : []),
    ...(file ? [ageIdentitiesFromFile(resolve(file))] : []),
  ]);
}

/** The outgoing webhook of --notify-url-env (else agent.notify), when one is set; the URL and key come from the environment. */
function openNotifier(flags: AgentFlags, configured: AgentNotify | undefined, log: Logger): Notifier | undefined {
  const urlEnv = flags.notifyUrlEnv ?? configured?.urlEnv;
  if (!urlEnv) return undefined;
  const from = flags.notifyUrlEnv ? '--notify-url-env' : 'agent.notify.urlEnv';
  const url = notifyUrl(variable(urlEnv, from, 'the URL notifications are POSTed to'), `${from} ${urlEnv}`);
  const secretEnv = flags.notifySecretEnv ?? configured?.secretEnv;
  const secret = secretEnv && variable(secretEnv, flags.notifySecretEnv ? '--notify-secret-env' : 'agent.notify.secretEnv', 'the key notifications are signed with');
  const notifier = createNotifier({ url, secret, log });
  if (secret) log.info({ target: notifier.target }, 'notifications on, signed');
  else log.warn({ target: notifier.target }, 'notifications on, unsigned: set --notify-secret-env (agent.notify.secretEnv) so the receiver can check them');
  return notifier;
}

function withNotifier<R extends Reconciler>(notifier: Notifier | undefined, env: string, reconciler: R): R {
  return notifier ? notifyingReconciler(reconciler, notifier, env) : reconciler;
}

/**
 * The value of environment variable `name`, which must be set (never shown: it may be a credential). One final
 * newline is dropped: a Secret made from standard input (`--from-file=key=/dev/stdin`, as bootstrap says) ends with it.
 */
function variable(name: string, from: string, what: string): string {
  const value = withoutFinalNewline(process.env[name] ?? '');
  if (!value) throw new UserInputError(`${from} ${name}: the variable is not set or empty`, { hint: `Set ${name} to ${what}, or leave out ${from}.` });
  return value;
}

/** --wait-healthy in ms: only with --once (a running agent never ends; `gitops status --wait-healthy` gates on it). */
function onceWaitHealthy(flags: AgentFlags): number | undefined {
  if (flags.waitHealthy === undefined) return undefined;
  if (!flags.once) throw new UserInputError('--wait-healthy needs --once', { hint: 'Run gitops agent --once --wait-healthy 5m, or gitops status --wait-healthy 5m beside a running agent.' });
  return parseDuration(flags.waitHealthy, '--wait-healthy');
}

function webhookSecret(name: string | undefined): string | undefined {
  return name === undefined ? undefined : variable(name, '--webhook-secret-env', 'the shared secret');
}
