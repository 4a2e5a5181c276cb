// Runs the commands the demo drives (git, kubectl, gitops) and fails with the command line and
// the end of its stderr, so a failed step says what was run and why it failed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkoutRoot as REPO_ROOT } from '../test/controlplane/paths.ts';

const execFileP = promisify(execFile);

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 120_000 */
  readonly timeoutMs?: number;
}

export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  try {
    const { stdout } = await execFileP(command, [...args], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-8).join('\n');
    throw new Error(`\`${[command, ...args].join(' ')}\` failed:\n${detail}`);
  }
}

/** The project's own CLI, as `npx gitops` would run it. */
export const gitopsBin = join(REPO_ROOT, 'bin', 'gitops.js');

export function gitops(args: readonly string[], options: RunOptions = {}): Promise<string> {
  return run(process.execPath, [gitopsBin, ...args], options);
}

export function git(cwd: string, ...args: string[]): Promise<string> {
  return run('git', args, { cwd });
}
