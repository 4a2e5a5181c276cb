// What bootstrap refuses before it reads or writes anything in a cluster: a --repo with credentials, one that
// is not the repo the environment's GitOpsAgent renders, and an agent app the agent itself would refuse.
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from './bootstrap.ts';
import { makeProject } from '../test/helpers/project.ts';

describe('bootstrap checks --repo first', () => {
  const project = makeProject({}, { copyExample: true });
  // The example gives GITOPS_REPO from a Secret; without gitCredentials the construct renders its repo.
  project.write('apps/gitops-agent.ts', project.read('apps/gitops-agent.ts').replace("gitCredentials: { name: 'git-credentials' },", ''));
  afterAll(() => project.cleanup());
  const run = (repo: string) => bootstrap({ root: project.root, env: 'dev', repo, kubeconfig: '/nonexistent/kubeconfig', timeoutMs: 1000, print: () => {} });

  it('refuses a URL with a token, without showing the token', async () => {
    const error = await run('https://bot:ghp_s3cret@git.example.com/shop.git').then(() => undefined, (e: Error) => e);
    expect(error?.message).toBe('--repo https://git.example.com/shop.git: give the URL without credentials');
    expect(JSON.stringify(error)).not.toContain('ghp_s3cret');
  });

  it('refuses an app the agent in its pod would refuse: without a settings ConfigMap its bounds are the defaults', async () => {
    const bare = makeProject({}, { copyExample: true });
    bare.write('apps/gitops-agent.ts', bare.read('apps/gitops-agent.ts').replace("settingsConfigMap: 'agent-settings',", ''));
    const error = await bootstrap({ root: bare.root, env: 'dev', repo: 'https://git.example.com/shop.git', kubeconfig: '/nonexistent/kubeconfig', timeoutMs: 1000, print: () => {} })
      .then(() => undefined, (e: Error & { subject?: { hint?: string } }) => e)
      .finally(() => bare.cleanup());
    expect(error?.message).toMatch(/^the agent would refuse its own app; nothing was applied: .*ClusterRole typed-gitops-agent-dev/s);
    expect(error?.subject?.hint).toContain("give the GitOpsAgent settingsConfigMap: 'agent-settings'");
  });

  it('refuses another repo than the one the GitOpsAgent follows, naming the app', async () => {
    const error = await run('https://git.example.com/other.git').then(() => undefined, (e: Error & { subject?: object }) => e);
    expect(error?.message).toBe('--repo https://git.example.com/other.git is not the repo the agent follows: its GitOpsAgent renders https://git.example.com/shop.git; nothing was applied');
    expect(error?.subject).toMatchObject({ app: 'gitops-agent', file: 'apps/gitops-agent.ts' });
  });
});
