// `gitops bootstrap`: installs the agent of one environment once, the way the agent itself applies it
// (the reconciler: field manager typed-gitops, the environment's inventory, its bounds), so the running
// agent owns those objects afterwards and manages itself from the rendered branch. Also creates the
// platform's settings ConfigMap and checks the Secrets the agent's Deployment references.
import { isDeepStrictEqual } from 'node:util';
import { compile } from '../compiler/compile.ts';
import { ClusterError, UserInputError } from '../core/errors.ts';
import { formatDiagnostic } from '../compiler/format.ts';
import { objectPath } from '../compiler/render.ts';
import { remoteWithoutCredentials } from '../core/git-credentials.ts';
import { formatRef, refKey } from '../core/kinds.ts';
import type { ResolvedConfig } from '../core/config.ts';
import { reservedObjects } from '../agent/agent-command.ts';
import { agentReferences, createSecretCommand, findAgentApp, missingKeys, otherRemote, settingsData, SETTINGS_OF, type AgentApp, type AgentReferences, type SecretNeed } from './bootstrap-plan.ts';
import { DEFAULT_BOUNDS, type Bounds } from '../core/bounds.ts';
import { desiredSet } from '../agent/desired.ts';
import { deploymentHealth } from '../agent/health/deployment.ts';
import { inventoryRevision, loadInventory } from '../agent/inventory.ts';
import { KubeClient } from '../agent/kube.ts';
import { loadConnection, type KubeConnection } from '../agent/kubeconfig.ts';
import { onceAsLeader } from '../agent/leadership.ts';
import type { RevisionLimits } from '../core/limits.ts';
import { observe } from '../agent/observe.ts';
import { plan } from '../agent/plan.ts';
import { createReconciler, type ReconcileLogger } from '../agent/reconcile.ts';
import { guardRefusal, type RevisionGuard } from '../agent/revision-guard.ts';
import type { NamedObject } from '../agent/named-object.ts';
import type { Change, DesiredSet, K8sObject, ReconcileResult, Revision } from '../agent/types.ts';

export interface BootstrapOptions {
  /** Project folder holding gitops.config.ts. */
  readonly root: string;
  readonly env: string;
  /** The rendered branch's remote, without credentials: the construct's `repo`, or the one its Secret's URL points at. */
  readonly repo: string;
  readonly kubeconfig?: string;
  /** How long to wait for the Deployment to be available. */
  readonly timeoutMs: number;
  /** Progress and result lines. */
  readonly print: (line: string) => void;
}

export interface BootstrapOutcome {
  readonly app: string;
  /** The agent's objects created or changed (empty: a run that changed nothing). */
  readonly changes: readonly Change[];
  readonly unchanged: number;
  readonly settings?: SettingsAction;
}

type SettingsAction = 'created' | 'configured' | 'unchanged';

export async function bootstrap(options: BootstrapOptions): Promise<BootstrapOutcome> {
  const { env, print } = options;
  refuseCredentials(options.repo);
  print(`synthesizing ${env}`);
  const { config, agent, files } = await synthesizeAgent(options.root, env);
  const refs = agentReferences(agent.deployment);
  checkRepo(refs, agent, options.repo);

  const bounds = config.environments.find((e) => e.name === env)?.bounds ?? DEFAULT_BOUNDS;
  const guard = { bounds: refs.settings ? bounds : DEFAULT_BOUNDS, reserved: reservedObjects(refs.namespace, { settings: refs.settings, ...refs.named }), limits: config.agent.limits };
  await refuseWhatTheAgentWould(files, env, guard, agent, refs);

  const connection = loadConnection(options.kubeconfig);
  const kube = new KubeClient(connection);
  const missing = await checkSecrets(kube, refs.secrets, options.repo, print);
  // Nothing that needs a missing Secret is applied: the Deployment waits for the next run.
  if (missing.length) files.delete(agent.deploymentFile);
  const revision: Revision = { commit: await inventoryRevision(kube, refs.namespace, env) ?? '', env, files };
  const desired = desiredSet(revision, undefined, config.agent.limits);

  if (await createAgentNamespace(kube, desired, refs.namespace)) print(`created Namespace ${refs.namespace}`);
  const settings = refs.settings && await ensureSettings(kube, refs.settings, env, bounds);
  if (settings) print(`${settings} ConfigMap ${refs.settings!.namespace}/${refs.settings!.name} (the agent's settings, from environments.${env}.bounds)`);
  const outcome = await applyAgentApp({ connection, kube, namespace: refs.namespace, desired, agent, guard, print }, settings);
  if (missing.length) throw missingSecretsError(missing, refs, agent, options);
  await waitUntilAvailable(kube, agent.deployment, options.timeoutMs, print);
  printNextSteps(outcome, env, agent, print);
  return outcome;
}

/**
 * The environment synthesized in memory (dist/ is left alone), its agent app, and the rendered files bootstrap
 * applies: the agent app's, and the Namespaces its Roles land in, which other apps render (applied as theirs).
 */
async function synthesizeAgent(root: string, env: string): Promise<{ config: ResolvedConfig; agent: AgentApp; files: Map<string, string> }> {
  const outcome = await compile({ root, envs: [env], typecheck: false, write: false });
  if (outcome.report.errors.length > 0 || !outcome.tree) {
    throw new UserInputError(`environment ${env} does not synthesize; nothing was applied:\n${outcome.report.errors.map(formatDiagnostic).join('\n')}`, {
      env, hint: `Fix the errors above (gitops synth --env ${env} shows the same), then run gitops bootstrap again.`,
    });
  }
  const agent = findAgentApp(outcome.results, env);
  const objects = outcome.results.filter((r) => r.env === env).flatMap((r) => r.objects);
  const paths = new Set(objects.filter((o) => o.app === agent.app).map(objectPath));
  const namespaces = new Set(objects.filter((o) => o.app === agent.app).map((o) => o.ref.namespace));
  for (const o of objects) if (o.ref.kind === 'Namespace' && o.ref.group === '' && namespaces.has(o.ref.name)) paths.add(objectPath(o));
  const files = new Map([...paths].map((path) => [path, outcome.tree!.files.get(`${env}/${path}`)!]));
  return { config: outcome.config, agent, files };
}

function refuseCredentials(repo: string): void {
  const plain = remoteWithoutCredentials(repo).url;
  if (plain === repo) return;
  throw new UserInputError(`--repo ${plain}: give the URL without credentials`, {
    hint: 'A token on a command line is readable by every user of the machine: it goes into the Secret that bootstrap names (the GitOpsAgent\'s gitCredentials).',
  });
}

function checkRepo(refs: AgentReferences, agent: AgentApp, repo: string): void {
  if (refs.repo === undefined || refs.repo === repo) return;
  throw new UserInputError(`--repo ${repo} is not the repo the agent follows: its GitOpsAgent renders ${refs.repo}; nothing was applied`, {
    app: agent.app, file: agent.sourceFile, hint: 'Pass that URL, or change the GitOpsAgent\'s repo in the app (and publish it) first.',
  });
}

/**
 * Refuses, before anything is written, an agent app the agent in its pod would refuse: its bounds come from the settings
 * ConfigMap bootstrap writes (environments.<env>.bounds), or, without one, are the defaults (the pod reads no project).
 */
async function refuseWhatTheAgentWould(files: ReadonlyMap<string, string>, env: string, guard: RevisionGuard & { readonly limits: RevisionLimits }, agent: AgentApp, refs: AgentReferences): Promise<void> {
  const refusal = await guardRefusal(desiredSet({ commit: '', env, files }, undefined, guard.limits).objects, guard);
  if (!refusal) return;
  throw new UserInputError(`the agent would refuse its own app; nothing was applied: ${refusal}`, {
    env, app: agent.app, file: agent.sourceFile,
    hint: refs.settings ? `Widen environments.${env}.bounds in gitops.config.ts (bootstrap writes them into ${refs.settings.namespace}/${refs.settings.name}), or change the app.`
      : `In its pod the agent reads no project, so its bounds are the defaults: give the GitOpsAgent settingsConfigMap: 'agent-settings', and bootstrap writes environments.${env}.bounds into it.`,
  });
}

interface MissingSecret { readonly need: SecretNeed; readonly keys?: readonly string[] }

/** The Secrets missing or lacking a key; warns when the repo URL Secret points elsewhere than --repo (its credentials never shown). */
async function checkSecrets(kube: KubeClient, needs: readonly SecretNeed[], repo: string, print: (line: string) => void): Promise<MissingSecret[]> {
  const found = await Promise.all(needs.map(async (need) => {
    const secret = await kube.read('v1', 'Secret', need.namespace, need.name);
    const other = otherRemote(need, secret, repo);
    if (other) print(`warning: Secret ${need.namespace}/${need.name} points the agent at ${other}, not at --repo ${repo}`);
    return { need, keys: missingKeys(need, secret) };
  }));
  return found.filter((m) => m.keys === undefined || m.keys.length > 0);
}

/** The agent's Namespace as the agent applies it (owner labels and all), before the reconciler would make a bare one. */
async function createAgentNamespace(kube: KubeClient, desired: DesiredSet, namespace: string): Promise<boolean> {
  const own = desired.objects.find((d) => d.ref.kind === 'Namespace' && d.ref.group === '' && d.ref.name === namespace);
  if (!own || await kube.read('v1', 'Namespace', '', namespace)) return false;
  await kube.apply(own.object);
  return true;
}

/** The settings ConfigMap with the environment's bounds; written only when it differs. */
async function ensureSettings(kube: KubeClient, at: NamedObject, env: string, bounds: Bounds): Promise<SettingsAction> {
  const data = settingsData(bounds);
  const live = await kube.read('v1', 'ConfigMap', at.namespace, at.name);
  if (live && isDeepStrictEqual(live.data ?? {}, data) && live.metadata.labels?.[SETTINGS_OF] === env) return 'unchanged';
  const labels = { 'app.kubernetes.io/managed-by': 'typed-gitops', [SETTINGS_OF]: env };
  await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: at.name, namespace: at.namespace, labels }, data }, { force: true });
  return live ? 'configured' : 'created';
}

interface ApplyContext {
  readonly connection: KubeConnection;
  readonly kube: KubeClient;
  readonly namespace: string;
  readonly desired: DesiredSet;
  readonly agent: AgentApp;
  readonly guard: RevisionGuard & { readonly limits: RevisionLimits };
  readonly print: (line: string) => void;
}

/** Applies what differs; when nothing does, writes nothing at all (not even the Lease or the status), so it runs beside a live agent. */
async function applyAgentApp(context: ApplyContext, settings?: SettingsAction): Promise<BootstrapOutcome> {
  const { desired, agent, print } = context;
  const base = { app: agent.app, ...(settings ? { settings } : {}) };
  if (await upToDate(context)) {
    if ((settings ?? 'unchanged') === 'unchanged') print(`nothing to change: all ${desired.objects.length} objects are as rendered`);
    return { ...base, changes: [], unchanged: desired.objects.length };
  }
  print(`applying ${desired.objects.length} objects (app ${agent.app}, and the Namespaces its Roles are in) as the agent would: field manager typed-gitops, inventory of ${desired.revision.env} in ${context.namespace}`);
  const result = await applyAsAgent(context);
  const changes = ownChanges(result, desired, agent);
  for (const c of changes) print(`  ${c.action} ${formatRef(c.ref)}`);
  return { ...base, changes, unchanged: desired.objects.length - changes.length };
}

/** The agent's planner says there is nothing to apply: every object is as last applied and recorded. */
async function upToDate({ kube, namespace, desired }: ApplyContext): Promise<boolean> {
  const inventory = await loadInventory(kube, namespace, desired.revision.env);
  const live = await observe(kube, desired, inventory);
  const steps = plan(desired, inventory, live.objects, { prune: false, allowEmpty: false });
  const ours = new Set(desired.objects.map((d) => refKey(d.ref)));
  return steps.apply.length === 0 && !steps.skip.some((s) => ours.has(refKey(s.ref)));
}

/** One reconcile of the agent's app by the agent's reconciler, as the Lease holder; nothing else of the inventory is touched. */
async function applyAsAgent({ connection, namespace, desired, agent, guard, print }: ApplyContext): Promise<ReconcileResult> {
  const log: ReconcileLogger = { info: (o, m) => { if ('holder' in o) print(m ?? ''); }, warn: (_o, m) => print(`warning: ${m}`), error() {} };
  const env = desired.revision.env;
  // prune off: the inventory's other objects (the rest of the environment) are not this run's business.
  const reconciler = createReconciler({ connection, env, namespace, prune: false, allowEmpty: false, force: true, healthTimeoutMs: 0, log, ...guard });
  try {
    return await onceAsLeader({ connection, namespace, env, reconciler, log }).reconcile(desired.revision);
  } catch (error) {
    throw leaseHeld(error, namespace, desired.objects.find((d) => d.ref.kind === 'Deployment' && d.app === agent.app)?.ref.name);
  } finally {
    reconciler.stop();
  }
}

/** A running agent holds the Lease: say how to stop it for the one run (its flag --no-leader-elect is not ours). */
function leaseHeld(error: unknown, namespace: string, deployment: string | undefined): unknown {
  if (!(error instanceof ClusterError) || !error.subject.object?.startsWith('Lease ')) return error;
  const stop = deployment ? `kubectl -n ${namespace} scale deployment ${deployment} --replicas 0, then run gitops bootstrap again (it applies the Deployment as rendered, replicas included)` : 'stop the agent that holds it, then run gitops bootstrap again';
  return new ClusterError(error.message, { ...error.subject, hint: `The running agent holds it while bootstrap has something to apply: ${stop}.` });
}

/** The changes to the objects bootstrap applies (the reconcile also reports the rest of the inventory, untouched); throws when one failed. */
function ownChanges(result: ReconcileResult, desired: DesiredSet, agent: AgentApp): Change[] {
  const ours = new Set(desired.objects.map((d) => refKey(d.ref)));
  const changes = result.changes.filter((c) => ours.has(refKey(c.ref)));
  const failed = changes.filter((c) => c.action === 'failed' || c.action === 'skipped');
  if (result.errors.length || failed.length) {
    const lines = [...result.errors, ...failed.map((c) => `${c.action} ${formatRef(c.ref)}: ${c.reason ?? ''}`)];
    throw new ClusterError(`the agent's app could not be applied:\n  ${lines.join('\n  ')}`, { app: agent.app, file: agent.sourceFile, hint: 'Fix what is named above, then run gitops bootstrap again (it applies only what differs).' });
  }
  return changes.filter((c) => c.action !== 'unchanged');
}

function missingSecretsError(missing: readonly MissingSecret[], refs: AgentReferences, agent: AgentApp, options: BootstrapOptions): UserInputError {
  const lines = missing.map(({ need, keys }) => [
    `Secret ${need.namespace}/${need.name} (${need.purpose}) ${keys ? `lacks the key(s) ${keys.join(', ')}: delete it (kubectl delete secret ${need.name} -n ${need.namespace}) and create it again` : 'is missing'}:`,
    `    ${createSecretCommand(need, options.repo)}`,
  ].join('\n'));
  return new UserInputError(`the agent needs Secrets that are not there; everything else of ${agent.app} is applied, its Deployment ${refs.namespace}/${agent.deployment.metadata.name} is not:\n  ${lines.join('\n  ')}`, {
    env: options.env, hint: `Create them (replace the <placeholders>), then run gitops bootstrap --env ${options.env} --repo ${options.repo} again.`,
  });
}

async function waitUntilAvailable(kube: KubeClient, deployment: K8sObject, timeoutMs: number, print: (line: string) => void): Promise<void> {
  const { name = '', namespace = '' } = deployment.metadata;
  const deadline = Date.now() + timeoutMs;
  let told = '';
  for (;;) {
    const live = await kube.read('apps/v1', 'Deployment', namespace, name);
    const health = live ? deploymentHealth(live) : { status: 'Missing', message: 'it is not in the cluster' };
    if (health.status === 'Healthy') { print(`the agent is available: ${health.message}`); return; }
    if (Date.now() >= deadline) {
      throw new ClusterError(`Deployment ${namespace}/${name} is not available after ${Math.round(timeoutMs / 1000)} s: ${health.message}`, {
        object: `Deployment ${namespace}/${name}`, hint: `See kubectl -n ${namespace} describe deployment ${name} and kubectl -n ${namespace} logs deploy/${name}; run gitops bootstrap again to wait once more (--timeout).`,
      });
    }
    if (health.message !== told) print(`waiting for Deployment ${namespace}/${name}: ${(told = health.message)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function printNextSteps(outcome: BootstrapOutcome, env: string, agent: AgentApp, print: (line: string) => void): void {
  print(outcome.changes.length || (outcome.settings ?? 'unchanged') !== 'unchanged' ? `the agent of ${env} is installed` : `the agent of ${env} was already installed; nothing changed`);
  print('next:');
  print(`  gitops status --env ${env}        what the agent last applied, once it has reconciled the rendered branch`);
  print(`  to upgrade it, bump the image of its GitOpsAgent in ${agent.sourceFile} and merge: the agent applies it from the rendered branch`);
  print(`  gitops uninstall --env ${env}     removes the agent (--prune-all: also what it applied)`);
}
