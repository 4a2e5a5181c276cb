// The few error classes of the project; each carries what it is about, and the CLI
// maps them to exit codes in one place (exitCodeFor).
import type { Command } from 'commander';

export interface ErrorSubject {
  readonly file?: string;
  readonly app?: string;
  readonly env?: string;
  readonly object?: string;
  readonly commit?: string;
  readonly hint?: string;
}

abstract class GitopsError extends Error {
  constructor(message: string, readonly subject: ErrorSubject = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user: config, app code, manifests, command-line flags. */
export class UserInputError extends GitopsError {}
/** The Kubernetes API server refused or could not be reached. */
export class ClusterError extends GitopsError {}
/** A git operation failed (remote unreachable, push rejected, bad ref). */
export class GitError extends GitopsError {}
/** A bug in this tool. */
export class InternalError extends GitopsError {}

/** The one table of exit codes (README "Exit codes"); a failed reconcile shares 1 with bad input: a commit is input. */
export const EXIT_CODES = { ok: 0, userInput: 1, reconcileFailed: 1, cluster: 3, git: 4, degraded: 5, notHealthy: 6, internal: 70 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UserInputError) return EXIT_CODES.userInput;
  if (error instanceof ClusterError) return EXIT_CODES.cluster;
  if (error instanceof GitError) return EXIT_CODES.git;
  return EXIT_CODES.internal;
}

/** One human-readable block for an error, with its subject and hint. */
/** Runs a command-line program; an error is printed as its message (never a stack for a user's mistake) and sets the exit code. */
export async function runProgram(cli: Command, argv: readonly string[]): Promise<void> {
  try {
    await cli.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    console.error(formatError(error));
    process.exitCode = exitCodeFor(error);
  }
}

export function formatError(error: unknown): string {
  if (!(error instanceof GitopsError)) return `internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
  const s = error.subject;
  const about = [s.env && `env ${s.env}`, s.app && `app ${s.app}`, s.file, s.object, s.commit && `commit ${s.commit}`].filter(Boolean).join(', ');
  return `${about ? `${about}: ` : ''}${error.message}${s.hint ? `\n  -> ${s.hint}` : ''}`;
}
