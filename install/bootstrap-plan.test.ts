import { describe, expect, it } from 'vitest';
import { GitOpsAgent } from '../lib/gitops-agent.ts';
import { synthConstruct } from '../lib/testing.ts';
import type { K8sObject, SynthResult } from '../core/types.ts';
import { agentReferences, createSecretCommand, findAgentApp, missingKeys, otherRemote, settingsData } from './bootstrap-plan.ts';

const REPO = 'https://git.example.com/shop.git';

function agentObjects(env: string, props: Partial<ConstructorParameters<typeof GitOpsAgent>[2]> = {}): K8sObject[] {
  return synthConstruct((scope) => new GitOpsAgent(scope, 'agent', { environment: env, kinds: [], repo: REPO, ...props })) as K8sObject[];
}

function resultOf(app: string, env: string, objects: K8sObject[]): SynthResult {
  const synth = objects.map((object) => ({
    object, app, env, sourceFile: `apps/${app}.ts`, constructPath: '',
    ref: { group: object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '', kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' },
  }));
  return { app, env, sourceFile: `apps/${app}.ts`, objects: synth, errors: [] };
}

const deploymentOf = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment')!;

describe('what bootstrap reads from the agent app', () => {
  it('finds the one app rendering the GitOpsAgent of the environment, by the labels the construct sets', () => {
    const results = [resultOf('web', 'dev', []), resultOf('platform', 'dev', agentObjects('dev')), resultOf('platform', 'prod', agentObjects('prod'))];
    const agent = findAgentApp(results, 'dev');
    expect([agent.app, agent.deployment.metadata.name, agent.deploymentFile]).toEqual(['platform', 'typed-gitops-agent-dev', 'platform/gitops-system/deployment-typed-gitops-agent-dev.yaml']);
    expect(() => findAgentApp([resultOf('web', 'dev', [])], 'dev')).toThrow(/no app renders a GitOpsAgent for environment 'dev'/);
    expect(() => findAgentApp([resultOf('a', 'dev', agentObjects('dev')), resultOf('b', 'dev', agentObjects('dev'))], 'dev')).toThrow(/2 apps render a GitOpsAgent .* a \(apps\/a.ts\), b \(apps\/b.ts\)/);
  });

  it('reads the namespace, settings, Secrets and repo the Deployment references', () => {
    const literal = agentReferences(deploymentOf(agentObjects('dev', { namespace: 'gitops', settingsConfigMap: 'limits' })));
    expect(literal).toEqual({ namespace: 'gitops', settings: { namespace: 'gitops', name: 'limits' }, secrets: [], named: {}, repo: REPO });
    const secrets = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'git' }, webhookSecret: { name: 'hook', key: 'token' }, verificationKeys: 'keys' })));
    expect(secrets.repo).toBeUndefined();
    expect(secrets.secrets.map((s) => [s.namespace, s.name, s.keys])).toEqual([['gitops-system', 'git', ['url']], ['gitops-system', 'hook', ['token']], ['gitops-system', 'keys', []]]);
  });

  it('keeps what each purpose needs of a Secret that serves two (git credentials and verification keys)', () => {
    const [shared] = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'shared' }, verificationKeys: 'shared' }))).secrets;
    expect([shared.name, shared.keys, shared.files, shared.repoKey]).toEqual(['shared', ['url'], 'keys', 'url']);
  });

  it('prints kubectl lines with placeholders only', () => {
    const [git, hook, keys] = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'git' }, webhookSecret: { name: 'hook' }, verificationKeys: 'keys' }))).secrets;
    expect(createSecretCommand(git, REPO)).toBe('kubectl create secret generic git -n gitops-system --from-file=url=/dev/stdin   (then type https://<user>:<token>@git.example.com/shop.git, Enter, Ctrl-D)');
    expect(createSecretCommand(hook, REPO)).toBe('kubectl create secret generic hook -n gitops-system --from-file=secret=/dev/stdin   (then type <a long random secret, e.g. from openssl rand -hex 32>, Enter, Ctrl-D)');
    expect(createSecretCommand(keys, REPO)).toBe('kubectl create secret generic keys -n gitops-system --from-file=allowed_signers=<path/to/allowed_signers>');
    expect(createSecretCommand(git, 'git@host:shop.git')).toContain('(then type <repo URL with its credentials>, Enter, Ctrl-D)');
    const [both] = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'both' }, webhookSecret: { name: 'both' } }))).secrets;
    expect(createSecretCommand(both, REPO)).toBe('kubectl create secret generic both -n gitops-system --from-file=url=<a file holding https://<user>:<token>@git.example.com/shop.git> --from-file=secret=<a file holding <a long random secret, e.g. from openssl rand -hex 32>>');
  });

  it('tells a missing Secret from one that lacks a key', () => {
    const [git, , keys] = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'git' }, webhookSecret: { name: 'hook' }, verificationKeys: 'keys' }))).secrets;
    const secret = (data: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data });
    expect(missingKeys(git, undefined)).toBeUndefined();
    expect(missingKeys(git, secret({ token: 'eA==' }))).toEqual(['url']);
    expect(missingKeys(git, secret({ url: 'eA==' }))).toEqual([]);
    expect(missingKeys(keys, secret({ 'ci.asc': 'eA==' }))).toEqual([]);
    expect(missingKeys(keys, secret({ other: 'eA==' }))).toEqual(['allowed_signers']);
  });

  it('checks the Secrets the agent reads itself: platform keys and its age identity too', () => {
    const refs = agentReferences(deploymentOf(agentObjects('dev', { platformKeys: 'platform', ageKeySecret: 'age-key' })));
    expect(Object.keys(refs.named).sort()).toEqual(['ageSecret', 'platformKeys']);
    const [platform, age] = refs.secrets;
    expect([platform.name, platform.files, age.name, age.files]).toEqual(['platform', 'keys', 'age-key', 'age']);
    const secret = (data: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data });
    expect(missingKeys(age, secret({ 'allowed_signers': 'eA==' }))).toEqual(['age.agekey']);
    expect(missingKeys(age, secret({ 'team.agekey': 'eA==' }))).toEqual([]);
    expect(createSecretCommand(age, REPO)).toBe('age-keygen -o age.agekey && kubectl create secret generic age-key -n gitops-system --from-file=age.agekey');
  });

  it('sees the remote a repo Secret points at, without its credentials', () => {
    const [git, hook] = agentReferences(deploymentOf(agentObjects('dev', { gitCredentials: { name: 'git' }, webhookSecret: { name: 'hook' } }))).secrets;
    const secret = (url: string): K8sObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git' }, data: { url: Buffer.from(url).toString('base64'), secret: 'eA==' } });
    expect(otherRemote(git, secret('https://bot:tok3n@git.example.com/shop.git'), REPO)).toBeUndefined();
    expect(otherRemote(git, secret('https://bot:tok3n@git.example.com/other.git\n'), REPO)).toBe('https://git.example.com/other.git');
    expect(otherRemote(hook, secret('https://elsewhere/x.git'), REPO)).toBeUndefined();
    expect(otherRemote(git, undefined, REPO)).toBeUndefined();
  });

  it('writes the bounds as the comma lists the agent reads', () => {
    expect(settingsData({ namespaces: ['shop', 'team-*'], clusterKinds: ['Namespace'], deniedKinds: [] })).toEqual({ namespaces: 'shop,team-*', clusterKinds: 'Namespace', deniedKinds: '' });
  });
});
