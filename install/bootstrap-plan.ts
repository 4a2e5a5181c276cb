// What `gitops bootstrap` reads from the synthesized agent app, decided without I/O: which app renders
// the GitOpsAgent of an environment, what its Deployment references (its namespace, settings ConfigMap,
// Secrets, repo URL), the settings ConfigMap's data, and the kubectl line that creates a missing Secret.
import { UserInputError } from '../core/errors.ts';
import { remoteWithoutCredentials } from '../core/git-credentials.ts';
import { objectPath } from '../compiler/render.ts';
import type { K8sObject, SynthResult } from '../core/types.ts';
import type { Bounds } from '../core/bounds.ts';
import { parseNamedObject, type NamedObject } from '../agent/named-object.ts';
import { isAgentDeployment } from '../agent/own-objects.ts';

/** The app that renders the agent of one environment, and the agent's Deployment. */
export interface AgentApp {
  readonly app: string;
  readonly sourceFile: string;
  readonly deployment: K8sObject;
  /** Its file, relative to the environment's folder of the rendered tree. */
  readonly deploymentFile: string;
}

/** A Secret the agent's Deployment needs, with the keys it reads and what for. */
export interface SecretNeed extends NamedObject {
  /** Keys the Secret must hold; empty: files the agent reads by their names (see `files`). */
  readonly keys: readonly string[];
  /** 'keys': signing keys (`allowed_signers`, `*.asc`); 'age': age identities (`*.agekey`). */
  readonly files?: 'keys' | 'age';
  readonly purpose: string;
  /** The key holding the repo URL (GITOPS_REPO), when this Secret has it. */
  readonly repoKey?: string;
}

export interface AgentReferences {
  /** The agent's namespace (its `--namespace`): inventory, status, Lease, settings. */
  readonly namespace: string;
  readonly settings?: NamedObject;
  readonly secrets: readonly SecretNeed[];
  /** The Secrets the agent reads itself (which no revision may hold). */
  readonly named: { readonly keysSecret?: NamedObject; readonly platformKeys?: NamedObject; readonly ageSecret?: NamedObject };
  /** GITOPS_REPO when the construct renders it as a value (no `gitCredentials`). */
  readonly repo?: string;
}

// The Secrets the agent reads by its own flags: which flag, what for, and what their files are.
const FILE_SECRETS = [
  ['keysSecret', '--verify-keys-secret', 'the keys rendered commits must be signed with', 'keys'],
  ['platformKeys', '--platform-keys-secret', "the platform's keys, which sign changes to the agent's own objects", 'keys'],
  ['ageSecret', '--age-key-secret', "the age identity that opens the environment's encrypted Secrets", 'age'],
] as const;

/** Label of the settings ConfigMap bootstrap makes, naming its environment (uninstall deletes only such a one). */
export const SETTINGS_OF = 'typed-gitops.dev/settings-of';

/** The one app of `env` whose output holds a GitOpsAgent's Deployment for `env`. */
export function findAgentApp(results: readonly SynthResult[], env: string): AgentApp {
  const found = results.filter((r) => r.env === env).flatMap((r) =>
    r.objects.filter((o) => isAgentDeployment(o.object, env)).map((o) => ({ app: r.app, sourceFile: r.sourceFile, deployment: o.object, deploymentFile: objectPath(o) })));
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    throw new UserInputError(`no app renders a GitOpsAgent for environment '${env}'`, {
      env, hint: 'Add an app that renders `new GitOpsAgent(chart, \'agent\', { environment: env.name, kinds: env.rendered, … })` with `buildAfterOthers: true` (see apps/gitops-agent.ts and docs/agent-in-cluster.md).',
    });
  }
  throw new UserInputError(`${found.length} apps render a GitOpsAgent for environment '${env}': ${found.map((f) => `${f.app} (${f.sourceFile})`).join(', ')}`, {
    env, hint: 'Keep one agent per environment: remove the others.',
  });
}

/** What the agent's Deployment points at, read from its container's arguments and environment. */
export function agentReferences(deployment: K8sObject): AgentReferences {
  const container = containerOf(deployment);
  const args = container.args ?? [];
  const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const namespace = flag('--namespace') ?? deployment.metadata.namespace ?? 'gitops-system';
  const settingsName = flag('--settings');
  const secrets = new Map<string, { namespace: string; name: string; keys: string[]; purposes: string[]; repoKey?: string; files?: 'keys' | 'age' }>();
  const need = (at: NamedObject, key: string | undefined, purpose: string, repoKey?: string, files?: 'keys' | 'age') => {
    const id = `${at.namespace}/${at.name}`;
    const entry = secrets.get(id) ?? { ...at, keys: [], purposes: [] };
    if (key && !entry.keys.includes(key)) entry.keys.push(key);
    entry.purposes.push(purpose);
    // One Secret may serve several purposes (git credentials and keys): each adds what it needs.
    secrets.set(id, { ...entry, ...(repoKey ? { repoKey } : {}), ...(files ? { files } : {}) });
  };
  let repo: string | undefined;
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) need({ namespace: deployment.metadata.namespace ?? namespace, name: ref.name }, ref.key, PURPOSES[variable.name] ?? variable.name, variable.name === 'GITOPS_REPO' ? ref.key : undefined);
    else if (variable.name === 'GITOPS_REPO') repo = variable.value;
  }
  const named: Record<string, NamedObject> = {};
  for (const [key, option, purpose, files] of FILE_SECRETS) {
    const name = flag(option);
    if (!name) continue;
    named[key] = parseNamedObject(name, namespace, option, 'Secret');
    need(named[key], undefined, `${purpose}, for ${option}`, undefined, files);
  }
  return {
    namespace,
    named,
    ...(settingsName ? { settings: parseNamedObject(settingsName, namespace, '--settings', 'ConfigMap') } : {}),
    secrets: [...secrets.values()].map(({ purposes, ...s }) => ({ ...s, purpose: purposes.join(', ') })),
    ...(repo ? { repo } : {}),
  };
}

/** The settings ConfigMap's data: the environment's bounds as comma lists (agent/settings.ts reads them). */
export function settingsData(bounds: Bounds): Record<string, string> {
  return { namespaces: bounds.namespaces.join(','), clusterKinds: bounds.clusterKinds.join(','), deniedKinds: bounds.deniedKinds.join(',') };
}

/** Keys of `need` the Secret lacks (a Secret of verification keys needs one usable key); undefined: the Secret is missing. */
export function missingKeys(need: SecretNeed, secret: K8sObject | undefined): readonly string[] | undefined {
  if (!secret) return undefined;
  const held = Object.keys({ ...(secret.data as object | undefined), ...(secret.stringData as object | undefined) });
  if (need.files === 'age') return held.some((k) => k.endsWith('.agekey')) ? [] : ['age.agekey'];
  if (need.keys.length === 0) return held.some((k) => k === 'allowed_signers' || k.endsWith('.asc')) ? [] : ['allowed_signers'];
  return need.keys.filter((k) => !held.includes(k));
}

/** The remote the Secret points the agent at (its repo key's URL without credentials), when it is not `repo`: worth a warning. */
export function otherRemote(need: SecretNeed, secret: K8sObject | undefined, repo: string): string | undefined {
  const data = need.repoKey && (secret?.data as Record<string, string> | undefined)?.[need.repoKey];
  if (!data) return undefined;
  const remote = remoteWithoutCredentials(Buffer.from(data, 'base64').toString('utf8').trim()).url;
  return remote === repo ? undefined : remote;
}

/**
 * The kubectl line that creates the Secret, with placeholders: never a real value. A credential goes in on standard
 * input or from a file, never on the command line (where other users see it and the shell keeps it).
 */
export function createSecretCommand(need: SecretNeed, repo: string): string {
  const create = `kubectl create secret generic ${need.name} -n ${need.namespace}`;
  if (need.files === 'age') return `age-keygen -o age.agekey && ${create} --from-file=age.agekey`;
  if (need.keys.length === 0) return `${create} --from-file=allowed_signers=<path/to/allowed_signers>`;
  if (need.keys.length === 1) return `${create} --from-file=${need.keys[0]}=/dev/stdin   (then type ${placeholder(need.keys[0]!, repo)}, Enter, Ctrl-D)`;
  return `${create} ${need.keys.map((key) => `--from-file=${key}=<a file holding ${placeholder(key, repo)}>`).join(' ')}`;
}

const PURPOSES: Readonly<Record<string, string>> = {
  GITOPS_REPO: 'the repo URL with its token, as GITOPS_REPO',
  GITOPS_WEBHOOK_SECRET: 'the secret webhook calls must carry, as GITOPS_WEBHOOK_SECRET',
};

function placeholder(key: string, repo: string): string {
  if (key === 'url') {
    const url = URL.canParse(repo) ? new URL(repo) : undefined;
    return url && /^https?:$/.test(url.protocol) ? `${url.protocol}//<user>:<token>@${url.host}${url.pathname}` : '<repo URL with its credentials>';
  }
  return key === 'secret' ? '<a long random secret, e.g. from openssl rand -hex 32>' : `<${key}>`;
}

interface Container { readonly args?: string[]; readonly env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key?: string } } }[] }

function containerOf(deployment: K8sObject): Container {
  const spec = deployment.spec as { template?: { spec?: { containers?: (Container & { name: string })[] } } } | undefined;
  const containers = spec?.template?.spec?.containers ?? [];
  return containers.find((c) => c.name === 'agent') ?? containers[0] ?? {};
}
