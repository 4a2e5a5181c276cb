// The `gitops` command line: parses arguments (commander), runs a subcommand, and maps
// errors to messages and exit codes in one place.
import { Command, Option } from 'commander';
import { compile } from './compile.ts';
import { exitCodeFor, formatError } from './errors.ts';
import { formatDiagnostic, formatSummary } from './format.ts';
import { watch } from './watch.ts';
import { runDiff } from './diff-command.ts';

function program(): Command {
  const cli = new Command('gitops').description('Typed GitOps for Kubernetes').showHelpAfterError();
  cli.command('synth')
    .description('compile apps/ into validated YAML in dist/')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--env <names...>', 'only these environments')
    .option('--app <names...>', 'only these apps')
    .option('--no-typecheck', 'skip the TypeScript type-check')
    .option('--watch', 're-synthesize when a file changes')
    .action(async (opts: { root: string; env?: string[]; app?: string[]; typecheck: boolean; watch?: boolean }) => {
      const options = { root: opts.root, envs: opts.env, apps: opts.app, typecheck: opts.typecheck, onProgress: progress };
      if (opts.watch) { watch(options, report); return; }
      if (!report(await compile(options))) process.exitCode = 1;
    });
  cli.command('diff')
    .description('compare dist/ with the rendered branch: objects added, changed and removed')
    .option('--root <dir>', 'project folder', process.cwd())
    .option('--ref <ref>', 'rendered ref to compare with (default: the remote rendered branch, else the local one)')
    .option('--env <names...>', 'only these environments')
    .option('--markdown', 'print Markdown for a pull-request comment')
    .addOption(new Option('--color <when>', 'colour the diff').choices(['auto', 'always', 'never']).default('auto'))
    .action(async (opts: { root: string; ref?: string; env?: string[]; markdown?: boolean; color: string }) => {
      process.stdout.write(await runDiff(opts));
    });
  return cli;
}

/** Prints warnings, errors and the summary of one compile; true when it succeeded. */
function report(outcome: Awaited<ReturnType<typeof compile>>): boolean {
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

/** A progress line on stderr when it is a terminal (long runs), nothing otherwise. */
function progress(message: string) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K… ${message}`);
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    console.error(formatError(error));
    process.exitCode = exitCodeFor(error);
  }
}
