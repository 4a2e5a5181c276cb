// The `gitops` command line: parses arguments (commander), runs a subcommand, and maps
// errors to messages and exit codes in one place. Each subcommand loads its modules when it
// runs, so `synth` never pays for the agent's Kubernetes client (start-up is most of a small synth).
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import type { CompileOutcome } from './compile.ts';
import { runProgram } from '../core/errors.ts';
import { formatDiagnostic, formatSummary } from './format.ts';
import { registerAgentCommands } from '../agent/cli-agent.ts';
import { registerInstallCommands } from '../install/cli-install.ts';
import { registerSecretCommands } from './secret-command.ts';

function program(): Command {
  const cli = new Command('gitops').description('Typed GitOps for Kubernetes').showHelpAfterError();
  cli.command('synth')
    .description('compile apps/ into validated YAML in dist/')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--env <names...>', 'only these environments')
    .option('--app <names...>', 'only these apps')
    .option('--no-typecheck', 'skip the TypeScript type-check')
    .option('--watch', 're-synthesize when a file changes')
    .option('--no-cache', 'synthesize every app again, even those unchanged since the last run')
    .option('--cache-from <ref>', 'take unchanged apps from this rendered commit (e.g. origin/rendered), as publish does')
    .option('-j, --jobs <count>', 'apps built at once in worker threads; 1: one after another (default: $GITOPS_JOBS, else one per free core for 24 or more apps)')
    .action(async (opts: { root: string; env?: string[]; app?: string[]; typecheck: boolean; watch?: boolean; cache: boolean; cacheFrom?: string; jobs?: string }) => {
      const { parseJobs } = await import('./compile.ts');
      const jobs = opts.jobs === undefined ? undefined : parseJobs(opts.jobs);
      const options = { root: opts.root, envs: opts.env, apps: opts.app, typecheck: opts.typecheck, cache: opts.cache, cacheFrom: opts.cacheFrom, jobs, onProgress: progress, onNote: note };
      if (opts.watch) { (await import('./watch.ts')).watch(options, report); return; }
      if (opts.typecheck) await typecheckEarly(opts.root);
      if (!report(await (await import('./compile.ts')).compile(options))) process.exitCode = 1;
    });
  cli.command('lock')
    .description('pin every Helm chart the apps use in gitops.lock (fetching charts, building helm when missing) and write their values types')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--update', 'resolve every chart again and accept changed digests')
    .action(async (opts: { root: string; update?: boolean }) => {
      const { lockCharts, formatLockResult } = await import('./lock-command.ts');
      const result = await lockCharts({ root: opts.root, update: opts.update ?? false, onProgress: progress });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
      console.log(formatLockResult(result));
    });
  cli.command('diff')
    .description('compare dist/ with the rendered branch (or, with --live, the cluster): objects added, changed and removed')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--ref <ref>', 'rendered ref to compare with (default: the remote rendered branch, else the local one)')
    .option('--env <names...>', 'only these environments')
    .option('--markdown', 'print Markdown for a pull-request comment')
    .option('--live', 'what applying dist/ (or --ref) would change in the cluster, by a server dry run')
    .option('--kubeconfig <file>', 'with --live: the cluster (default: KUBECONFIG, else ~/.kube/config)')
    .option('--namespace <name>', "with --live: the agent's namespace, where its inventory is (default: agent.namespace)")
    .addOption(new Option('--color <when>', 'colour the diff').choices(['auto', 'always', 'never']).default('auto'))
    .action(async (opts: { root: string; ref?: string; env?: string[]; markdown?: boolean; color: string; live?: boolean; kubeconfig?: string; namespace?: string }) => {
      process.stdout.write(await (await import('./diff-command.ts')).runDiff(opts));
    });
  cli.command('publish')
    .description('synth the checked-out commit and publish it as one commit on the rendered branch')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--remote <name-or-url>', 'remote to publish to', 'origin')
    .option('--source-branch <name>', 'branch of the source commit, when HEAD is detached')
    .option('--force', 'publish even when it moves the rendered branch backwards')
    .option('--no-typecheck', 'skip the TypeScript type-check')
    .option('--committer-name <name>', 'committer of the rendered commit (default: $GITOPS_COMMITTER_NAME, else typed-gitops)')
    .option('--committer-email <email>', 'its email (default: $GITOPS_COMMITTER_EMAIL, else typed-gitops@noreply.invalid)')
    .option('--signing-key <file>', 'sign the rendered commit with this OpenSSH or armored OpenPGP private key (default: $GITOPS_SIGNING_KEY_FILE, else the key in $GITOPS_SIGNING_KEY, else unsigned)')
    .option('--no-cache', 'synthesize every app, taking none from the rendered head or the local synth cache')
    .action(async (opts: { root: string; remote: string; sourceBranch?: string; force?: boolean; typecheck: boolean; committerName?: string; committerEmail?: string; signingKey?: string; cache: boolean }) => {
      const committer = { name: opts.committerName, email: opts.committerEmail };
      if (opts.typecheck) await typecheckEarly(opts.root);
      const [{ publish }, { formatPublished }] = await Promise.all([import('./publish.ts'), import('./publish-report.ts')]);
      const result = await publish({ ...opts, committer, onProgress: progress, onNote: note, onWarning: (m) => console.error(`\n!!! ${m}\n`) });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
      console.log(formatPublished(result));
    });
  cli.command('history')
    .description('rendered commits and the source commits they came from, newest first')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--remote <name-or-url>', 'remote whose rendered branch is read', 'origin')
    .option('--ref <ref>', 'read this ref instead, without fetching')
    .option('--env <name>', 'only commits that changed this environment')
    .option('-n, --max <count>', 'at most this many commits', Number)
    .option('--allowed-signers <file>', "check SSH signatures against this allowed_signers file (default: git's gpg.ssh.allowedSignersFile)")
    .option('--openpgp-keys <file>', "check OpenPGP signatures against only these armored public keys (default: the user's keyring)")
    .action(async (opts: { root: string; remote: string; ref?: string; env?: string; max?: number; allowedSigners?: string; openpgpKeys?: string }) => {
      const { formatHistory, history } = await import('./publish-history.ts');
      process.stdout.write(formatHistory(await history({ ...opts, openpgpKeys: opts.openpgpKeys ? [opts.openpgpKeys] : undefined })));
    });
  cli.command('import')
    .description('generate typed construct classes for CRDs into imports/, whose schemas synth then checks custom resources against')
    .argument('[sources...]', 'CRD files or folders, http(s) URLs, gomod:<module>@<version>[/<path>]; with --from-cluster: CRD names or kinds (default: all)')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--from-cluster', "import the CRDs the cluster serves")
    .option('--group <group>', 'with --from-cluster: only CRDs of this API group (repeat for more)', (g: string, groups: string[] = []) => [...groups, g])
    .option('--kubeconfig <file>', 'with --from-cluster: the cluster (default: KUBECONFIG, else ~/.kube/config)')
    .action(async (sources: string[], opts: { root: string; fromCluster?: boolean; group?: string[]; kubeconfig?: string }) => {
      const { formatImport, runImport } = await import('./import/import-command.ts');
      process.stdout.write(formatImport(await runImport({ ...opts, sources, groups: opts.group })));
    });
  registerAgentCommands(cli);
  registerInstallCommands(cli);
  registerSecretCommands(cli);
  return cli;
}

/** tsc would otherwise start after the compiler's modules load, and a short synth then waits for it: start it first. */
async function typecheckEarly(root: string): Promise<void> {
  const [{ startTypecheck }, { findPackageRoot }] = await Promise.all([import('./typecheck.ts'), import('../core/bundle.ts')]);
  const dir = resolve(root);
  startTypecheck(dir, findPackageRoot(dir));
}

/** Prints warnings, errors and the summary of one compile; true when it succeeded. */
function report(outcome: CompileOutcome): boolean {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  for (const w of outcome.report.warnings) console.error(formatDiagnostic(w));
  if (outcome.report.errors.length > 0) {
    for (const e of outcome.report.errors) console.error(formatDiagnostic(e));
    console.error(`synth failed: ${outcome.report.errors.length} error(s); ${outcome.config.outDir}/ was left as it was`);
    return false;
  }
  console.log(formatSummary(outcome));
  return true;
}

/** A line on stderr in every log (a CI job's too), over the progress line when there is one. */
function note(message: string) {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  console.error(message);
}

/** A progress line on stderr when it is a terminal (long runs), nothing otherwise. */
function progress(message: string) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K… ${message}`);
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(program(), argv);
}
