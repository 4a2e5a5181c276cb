// The typed project config (gitops.config.ts): defineConfig for users, and
// resolveConfig, which checks a loaded config at run time and fills every default in one place.
import { DEFAULT_BOUNDS, type Bounds } from './bounds.ts';
import { DEFAULT_LIMITS, parseSize, type RevisionLimits } from './limits.ts';
import { UserInputError } from './errors.ts';
import { resolveHealthConfig, type HealthConfig, type HealthRuleCheck } from './health-config.ts';
import type { HealthRule } from './health-rules.ts';
import { isRecord } from './is-record.ts';

export type PolicyLevel = 'off' | 'warn' | 'error';

/** Compile-time policy rules that a config can turn on per environment. */
export const POLICY_RULES = ['resources-required', 'no-latest-image', 'readiness-probe'] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export interface EnvironmentConfig<V> {
  /** Typed values the apps read when they build for this environment. */
  readonly values: V;
  /** Allow Secret objects that carry data in the rendered output. @default false */
  readonly allowSecretData?: boolean;
  /** Policy levels for this environment; they override the top-level `policies`. @default {} */
  readonly policies?: Readonly<Partial<Record<PolicyRule, PolicyLevel>>>;
  /**
   * What this environment may hold: the agent refuses a revision with any object outside, the compiler reports it.
   * The agent reads them from its own --root project (owned by the platform), never from the branch it applies.
   * @default the agent's defaults: any namespace, of the cluster-scoped kinds only Namespace, no denied kinds
   */
  readonly bounds?: EnvironmentBounds;
  /**
   * The age public keys (age1…) this environment's encrypted Secrets (secrets/<env>/…sops.yaml) are encrypted for:
   * its agent's and, to edit them, the team's. Synth refuses a file encrypted for any other set. @default []
   */
  readonly secretRecipients?: readonly string[];
}

export interface EnvironmentBounds {
  /** Globs of target namespaces, e.g. 'team-a-*'; a Namespace object's name must match too. @default ['*'] */
  readonly namespaces?: readonly string[];
  /** Cluster-scoped kinds allowed, 'group/Kind' or 'Kind' (built-in groups). @default ['Namespace'] */
  readonly clusterKinds?: readonly string[];
  /** Kinds refused in any scope. @default [] */
  readonly deniedKinds?: readonly string[];
}

/** Objects that exist in the cluster but are not rendered by any app here. */
export interface ExternalObjects {
  /** Namespaces created outside this repo. @default [] */
  readonly namespaces?: readonly string[];
  /** 'namespace/name' of Secrets created outside this repo (e.g. by an external secrets operator). @default [] */
  readonly secrets?: readonly string[];
  /** 'namespace/name' of ConfigMaps created outside this repo. @default [] */
  readonly configMaps?: readonly string[];
  /** 'namespace/name' of ServiceAccounts created outside this repo. @default [] */
  readonly serviceAccounts?: readonly string[];
  /** 'namespace/name' of PersistentVolumeClaims created outside this repo. @default [] */
  readonly persistentVolumeClaims?: readonly string[];
}

export interface AgentConfig {
  /** Namespace of the agent, its inventory and status objects. @default 'gitops-system' */
  readonly namespace?: string;
  /** How often the agent looks for a new rendered commit. @default '10s' */
  readonly interval?: string;
  /** Delete objects that left git. @default true */
  readonly prune?: boolean;
  /** Re-apply objects that drifted from git. @default true */
  readonly selfHeal?: boolean;
  /** Allow a revision with no objects to prune everything. @default false */
  readonly allowEmpty?: boolean;
  /** What one revision may hold; a revision over a limit is refused whole. @default see AgentLimits */
  readonly limits?: AgentLimits;
  /** ServiceAccount the environment's objects are applied as, 'name' (in agent.namespace) or 'namespace/name'. @default '' (the agent's own identity) */
  readonly serviceAccount?: string;
  /**
   * Follow a rendered head that does not descend from the last applied commit (a force-push back in time),
   * with a notice in the log, status and Event. Rollback is `git revert` on main, which moves forward. @default false
   */
  readonly allowRewind?: boolean;
  /** Apply only commits signed by an allowed key. @default no verification */
  readonly verify?: AgentVerify;
  /**
   * The platform's settings ConfigMap, 'name' (in agent.namespace) or 'namespace/name', made by the bootstrap, never
   * by the rendered branch: its keys `namespaces`, `clusterKinds`, `deniedKinds` (comma lists) set the bounds,
   * over environments.<env>.bounds and under the agent's flags. @default '' (none)
   */
  readonly settings?: string;
  /** An outgoing webhook called after every reconcile that changed something or failed (README, Notifications). @default none */
  readonly notify?: AgentNotify;
}

/** Where notifications go: names of environment variables, so the URL (which may carry a token) and the key stay out of git. */
export interface AgentNotify {
  /** Variable holding the http(s) URL, e.g. 'GITOPS_NOTIFY_URL'; each environment's agent has its own value. */
  readonly urlEnv: string;
  /** Variable holding the key of the X-Gitops-Signature-256 HMAC-SHA256 signature. @default none (unsigned) */
  readonly secretEnv?: string;
}

/** Which rendered commits the agent may apply (paths relative to the project folder). */
export interface AgentVerify {
  /** 'head': the commit to apply must carry a good signature by an allowed key; 'off': no check. @default 'head' when keys are given */
  readonly mode?: 'head' | 'off';
  /** An SSH allowed_signers file. @default none */
  readonly allowedSigners?: string;
  /** Files of armored OpenPGP public keys. @default [] */
  readonly openpgpKeys?: readonly string[];
  /** A Secret of allowed keys, 'name' (in agent.namespace) or 'namespace/name': key allowed_signers, keys ending .asc. @default none */
  readonly secret?: string;
}

export interface ResolvedVerify {
  readonly mode: 'head' | 'off';
  readonly allowedSigners?: string;
  readonly openpgpKeys: readonly string[];
  readonly secret?: string;
}

/** Sizes are bytes or text like '3MiB', '512KiB', '64Mi', '2MB'. */
export interface AgentLimits {
  /** Bytes of one file. @default '3MiB' (the API server's request limit) */
  readonly fileSize?: string | number;
  /** Bytes of all files of the environment together. @default '64MiB' */
  readonly revisionSize?: string | number;
  /** Objects (and files) in the environment. @default 25000 */
  readonly objects?: number;
  /** Nesting depth of one YAML document. @default 64 */
  readonly yamlDepth?: number;
  /** Aliases in one YAML document. @default 100 */
  readonly yamlAliases?: number;
}

export interface GitopsConfig<V = unknown> {
  /** Every environment the apps render for, with its typed values. */
  readonly environments: Readonly<Record<string, EnvironmentConfig<V>>>;
  /** @default { source: 'main', rendered: 'rendered' } */
  readonly branches?: { readonly source?: string; readonly rendered?: string };
  /** Folder of app definitions. @default 'apps' */
  readonly appsDir?: string;
  /** Folder the compiler writes to. @default 'dist' */
  readonly outDir?: string;
  /** @default {} */
  readonly external?: ExternalObjects;
  /** Policy levels for all environments. Each rule is 'off' unless set. @default {} */
  readonly policies?: Readonly<Partial<Record<PolicyRule, PolicyLevel>>>;
  /** @default {} (see AgentConfig) */
  readonly agent?: AgentConfig;
  /** Declarative health rules for custom kinds (see docs/health.md). @default {} */
  readonly health?: HealthConfig;
}

/** Types the config: a wrong key or value is a TypeScript error in gitops.config.ts. */
export function defineConfig<V>(config: GitopsConfig<V>): GitopsConfig<V> {
  return config;
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly values: unknown;
  readonly allowSecretData: boolean;
  readonly policies: Readonly<Record<PolicyRule, PolicyLevel>>;
  /** Set only when the config declares them (the compiler checks declared bounds only). */
  readonly bounds?: Bounds;
  readonly secretRecipients: readonly string[];
}

export interface ResolvedConfig {
  readonly file: string;
  readonly environments: readonly ResolvedEnvironment[];
  readonly branches: { readonly source: string; readonly rendered: string };
  readonly appsDir: string;
  readonly outDir: string;
  readonly external: Required<{ [K in keyof ExternalObjects]: readonly string[] }>;
  readonly agent: Required<Omit<AgentConfig, 'limits' | 'verify' | 'notify'>> & { readonly limits: RevisionLimits; readonly verify: ResolvedVerify; readonly notify?: AgentNotify };
  readonly health: { readonly rules: readonly HealthRule[] };
}

const TOP_KEYS = ['environments', 'branches', 'appsDir', 'outDir', 'external', 'policies', 'agent', 'health'];
const ENV_KEYS = ['values', 'allowSecretData', 'policies', 'bounds', 'secretRecipients'];
const EXTERNAL_KEYS = ['namespaces', 'secrets', 'configMaps', 'serviceAccounts', 'persistentVolumeClaims'] as const;
const AGENT_KEYS = ['namespace', 'interval', 'prune', 'selfHeal', 'allowEmpty', 'limits', 'serviceAccount', 'allowRewind', 'verify', 'settings', 'notify'];
const LIMIT_KEYS = ['fileSize', 'revisionSize', 'objects', 'yamlDepth', 'yamlAliases'];
const LEVELS: readonly string[] = ['off', 'warn', 'error'];

/**
 * Checks a config loaded at run time and fills in the defaults; every problem names its key (and its line in `source`,
 * where known). A config with health rules needs `healthCheck` (loadConfig loads it only then).
 */
export function resolveConfig(raw: unknown, file: string, source?: string, healthCheck?: HealthRuleCheck): ResolvedConfig {
  const problems: string[] = [];
  const fail = (key: string, what: string) => problems.push(`${key}: ${what}`);
  const c = isRecord(raw) ? raw : (fail('(root)', 'the default export must be defineConfig({...})'), {});
  unknownKeys(c, TOP_KEYS, '', fail);

  const policies = (key: string, value: unknown): Partial<Record<PolicyRule, PolicyLevel>> => {
    if (value === undefined) return {};
    if (!isRecord(value)) return fail(key, 'must be an object of rule: level'), {};
    unknownKeys(value, POLICY_RULES, `${key}.`, fail);
    for (const [rule, level] of Object.entries(value)) {
      if (!LEVELS.includes(level as string)) fail(`${key}.${rule}`, `must be one of ${LEVELS.join(', ')}`);
    }
    return value as Partial<Record<PolicyRule, PolicyLevel>>;
  };
  const topPolicies = policies('policies', c.policies);

  const environments: ResolvedEnvironment[] = [];
  if (!isRecord(c.environments) || Object.keys(c.environments).length === 0) {
    fail('environments', 'declare at least one environment, e.g. { dev: { values: {...} } }');
  } else {
    for (const [name, env] of Object.entries(c.environments)) {
      const key = `environments.${name}`;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) fail(key, 'an environment name must be lower-case letters, digits and dashes');
      if (!isRecord(env)) { fail(key, 'must be an object with `values`'); continue; }
      unknownKeys(env, ENV_KEYS, `${key}.`, fail);
      if (!('values' in env)) fail(`${key}.values`, 'is required (the typed values apps read)');
      if (env.allowSecretData !== undefined && typeof env.allowSecretData !== 'boolean') fail(`${key}.allowSecretData`, 'must be true or false');
      const own = policies(`${key}.policies`, env.policies);
      const merged = Object.fromEntries(POLICY_RULES.map((r) => [r, own[r] ?? topPolicies[r] ?? 'off'])) as Record<PolicyRule, PolicyLevel>;
      const bounds = env.bounds === undefined ? undefined : environmentBounds(`${key}.bounds`, env.bounds, fail);
      const recipients = env.secretRecipients ?? [];
      if (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string' || !/^age1[0-9a-z]+$/.test(r))) fail(`${key}.secretRecipients`, "must be a list of age public keys ('age1…')");
      const secretRecipients = Array.isArray(recipients) ? recipients as string[] : [];
      environments.push({ name, values: env.values, allowSecretData: env.allowSecretData === true, policies: merged, ...(bounds ? { bounds } : {}), secretRecipients });
    }
  }

  const str = (key: string, value: unknown, fallback: string): string => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') return fail(key, 'must be a non-empty string'), fallback;
    return value;
  };
  const bool = (key: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') return fail(key, 'must be true or false'), fallback;
    return value;
  };

  const branches = isRecord(c.branches) ? c.branches : {};
  if (c.branches !== undefined) unknownKeys(branches, ['source', 'rendered'], 'branches.', fail);
  const external = isRecord(c.external) ? c.external : {};
  if (c.external !== undefined) unknownKeys(external, EXTERNAL_KEYS, 'external.', fail);
  const externalLists = Object.fromEntries(EXTERNAL_KEYS.map((k) => {
    const list = external[k] ?? [];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) fail(`external.${k}`, 'must be a list of strings');
    else if (k !== 'namespaces') list.filter((x) => !/^[^/]+\/[^/]+$/.test(x)).forEach((x) => fail(`external.${k}`, `'${x}' must be 'namespace/name'`));
    return [k, Array.isArray(list) ? list : []];
  })) as unknown as ResolvedConfig['external'];
  const agent = isRecord(c.agent) ? c.agent : {};
  if (c.agent !== undefined) unknownKeys(agent, AGENT_KEYS, 'agent.', fail);
  const health = resolveHealthConfig(c.health, file, source, healthCheck);
  problems.push(...health.problems);

  const resolved: ResolvedConfig = {
    file,
    environments,
    branches: { source: str('branches.source', branches.source, 'main'), rendered: str('branches.rendered', branches.rendered, 'rendered') },
    appsDir: str('appsDir', c.appsDir, 'apps'),
    outDir: str('outDir', c.outDir, 'dist'),
    external: externalLists,
    agent: {
      namespace: str('agent.namespace', agent.namespace, 'gitops-system'),
      interval: str('agent.interval', agent.interval, '10s'),
      prune: bool('agent.prune', agent.prune, true),
      selfHeal: bool('agent.selfHeal', agent.selfHeal, true),
      allowEmpty: bool('agent.allowEmpty', agent.allowEmpty, false),
      allowRewind: bool('agent.allowRewind', agent.allowRewind, false),
      verify: agentVerify(agent.verify, fail),
      limits: agentLimits(agent.limits, fail),
      serviceAccount: str('agent.serviceAccount', agent.serviceAccount, ''),
      settings: str('agent.settings', agent.settings, ''),
      ...agentNotify(agent.notify, fail),
    },
    health: { rules: health.rules },
  };
  if (problems.length > 0) {
    throw new UserInputError(`${file} is not a valid config:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      file,
      hint: 'Fix the keys named above; defineConfig in gitops.config.ts gives the types.',
    });
  }
  return resolved;
}

function agentLimits(value: unknown, fail: (k: string, w: string) => void): RevisionLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  if (!isRecord(value)) return fail('agent.limits', 'must be an object, e.g. { fileSize: \'3MiB\', objects: 25000 }'), DEFAULT_LIMITS;
  unknownKeys(value, LIMIT_KEYS, 'agent.limits.', fail);
  const size = (key: string, fallback: number) => {
    if (value[key] === undefined) return fallback;
    return parseSize(value[key]) ?? (fail(`agent.limits.${key}`, `must be a size above 0, e.g. '3MiB', '512KiB' or a number of bytes (got ${JSON.stringify(value[key])})`), fallback);
  };
  const count = (key: string, fallback: number, least: number) => {
    const n = value[key];
    if (n === undefined) return fallback;
    return Number.isSafeInteger(n) && (n as number) >= least ? n as number : (fail(`agent.limits.${key}`, `must be a whole number of at least ${least}`), fallback);
  };
  return {
    fileBytes: size('fileSize', DEFAULT_LIMITS.fileBytes),
    revisionBytes: size('revisionSize', DEFAULT_LIMITS.revisionBytes),
    objects: count('objects', DEFAULT_LIMITS.objects, 1),
    yamlDepth: count('yamlDepth', DEFAULT_LIMITS.yamlDepth, 1),
    yamlAliases: count('yamlAliases', DEFAULT_LIMITS.yamlAliases, 0),
  };
}

function environmentBounds(key: string, value: unknown, fail: (k: string, w: string) => void): Bounds | undefined {
  if (!isRecord(value)) return fail(key, "must be an object, e.g. { namespaces: ['team-a-*'], clusterKinds: ['Namespace'] }"), undefined;
  unknownKeys(value, ['namespaces', 'clusterKinds', 'deniedKinds'], `${key}.`, fail);
  const list = (name: string, fallback: readonly string[]): readonly string[] => {
    const v = value[name];
    if (v === undefined) return fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) return fail(`${key}.${name}`, 'must be a list of non-empty strings'), fallback;
    return v as string[];
  };
  return { namespaces: list('namespaces', DEFAULT_BOUNDS.namespaces), clusterKinds: list('clusterKinds', DEFAULT_BOUNDS.clusterKinds), deniedKinds: list('deniedKinds', DEFAULT_BOUNDS.deniedKinds) };
}

function agentNotify(value: unknown, fail: (k: string, w: string) => void): { notify?: AgentNotify } {
  if (value === undefined) return {};
  const variable = (v: unknown) => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v);
  if (!isRecord(value) || !variable(value.urlEnv)) return fail('agent.notify', "must name the variable of the URL, e.g. { urlEnv: 'GITOPS_NOTIFY_URL', secretEnv: 'GITOPS_NOTIFY_SECRET' }"), {};
  unknownKeys(value, ['urlEnv', 'secretEnv'], 'agent.notify.', fail);
  if (value.secretEnv !== undefined && !variable(value.secretEnv)) fail('agent.notify.secretEnv', "must name an environment variable, e.g. 'GITOPS_NOTIFY_SECRET'");
  return { notify: { urlEnv: value.urlEnv as string, ...(variable(value.secretEnv) ? { secretEnv: value.secretEnv as string } : {}) } };
}

function agentVerify(value: unknown, fail: (k: string, w: string) => void): ResolvedVerify {
  const off: ResolvedVerify = { mode: 'off', openpgpKeys: [] };
  if (value === undefined) return off;
  if (!isRecord(value)) return fail('agent.verify', "must be an object, e.g. { mode: 'head', allowedSigners: 'keys/allowed_signers' }"), off;
  unknownKeys(value, ['mode', 'allowedSigners', 'openpgpKeys', 'secret'], 'agent.verify.', fail);
  const { allowedSigners, openpgpKeys = [], secret } = value;
  if (allowedSigners !== undefined && (typeof allowedSigners !== 'string' || allowedSigners === '')) fail('agent.verify.allowedSigners', 'must be the path of an allowed_signers file');
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) fail('agent.verify.secret', "must name a Secret, 'name' or 'namespace/name'");
  if (!Array.isArray(openpgpKeys) || openpgpKeys.some((k) => typeof k !== 'string' || k === '')) fail('agent.verify.openpgpKeys', 'must be a list of paths of armored OpenPGP public keys');
  const keys = {
    ...(typeof allowedSigners === 'string' ? { allowedSigners } : {}), ...(typeof secret === 'string' && secret ? { secret } : {}),
    openpgpKeys: Array.isArray(openpgpKeys) ? openpgpKeys as string[] : [],
  };
  const hasKeys = keys.allowedSigners !== undefined || keys.openpgpKeys.length > 0 || keys.secret !== undefined;
  const mode = value.mode ?? (hasKeys ? 'head' : 'off');
  if (mode !== 'head' && mode !== 'off') return fail('agent.verify.mode', "must be 'head' or 'off'"), off;
  if (mode === 'head' && !hasKeys) fail('agent.verify', "mode 'head' needs allowed keys: allowedSigners, openpgpKeys and/or secret");
  return { mode, ...keys };
}


function unknownKeys(obj: Record<string, unknown>, known: readonly string[], prefix: string, fail: (k: string, w: string) => void) {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, `unknown key (expected one of: ${known.join(', ')})`);
  }
}
