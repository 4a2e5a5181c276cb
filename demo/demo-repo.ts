// The demo's git side: a bare copy of this project (its history up to HEAD, as `main`) served
// by `git daemon` on 127.0.0.1, the checkout the user edits (a post-commit hook pushes each
// commit to main, as a merge would), and the checkout CI publishes from.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitDaemon, type GitDaemon } from '../test/helpers/git-daemon.ts';
import { checkoutRoot as REPO_ROOT } from '../test/controlplane/paths.ts';
import { rekeyExampleSecrets } from '../test/sops/example-keys.ts';
import { git } from './commands.ts';

export interface DemoRepo {
  /** git://127.0.0.1:<port>/shop.git */
  readonly url: string;
  readonly bare: string;
  /** Where the user edits apps/ and commits. */
  readonly checkout: string;
  /** Where the demo's CI runs publish. */
  readonly ci: string;
  /** The demo's own age identity for dev, which opens the example's encrypted Secrets (committed for keys nobody holds). */
  readonly ageKeyFile: string;
  readonly daemon: GitDaemon;
}

const pushOnCommit = `#!/bin/sh
# typed-gitops demo: every commit goes to main on the demo's git server, as a merge would.
exec git push --quiet origin HEAD:refs/heads/main
`;

export async function createDemoRepo(dir: string): Promise<DemoRepo> {
  const bare = join(dir, 'git', 'shop.git');
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  await git(REPO_ROOT, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
  const daemon = await startGitDaemon(join(dir, 'git'), { push: true });
  const url = daemon.url('shop.git');
  const checkout = join(dir, 'shop');
  const ci = join(dir, 'ci');
  await git(dir, 'clone', '--quiet', url, checkout);
  await configureUser(checkout);
  const ageKeyFile = await rekeySecrets(checkout, dir);
  await git(dir, 'clone', '--quiet', bare, ci);
  await configureUser(ci);
  const hook = join(checkout, '.git', 'hooks', 'post-commit');
  writeFileSync(hook, pushOnCommit);
  chmodSync(hook, 0o755);
  return { url, bare, checkout, ci, daemon, ageKeyFile };
}

async function configureUser(repo: string): Promise<void> {
  await git(repo, 'config', 'user.name', 'Demo User');
  await git(repo, 'config', 'user.email', 'demo@typed-gitops.invalid');
}

/** The example's encrypted Secrets, encrypted again for a key made for this demo (committed to main); its identity file. */
async function rekeySecrets(checkout: string, dir: string): Promise<string> {
  const path = (p: string) => join(checkout, p);
  const identities = await rekeyExampleSecrets({ root: checkout, read: (p) => readFileSync(path(p), 'utf8'), write: (p, text) => writeFileSync(path(p), text) });
  await git(checkout, 'commit', '--quiet', '-am', "demo: the example's secrets, encrypted for this demo's own age keys");
  await git(checkout, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  const file = join(dir, 'age.agekey');
  writeFileSync(file, `${identities.dev}\n`, { mode: 0o600 });
  return file;
}
