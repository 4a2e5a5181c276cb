// What one revision of the rendered branch may hold. The branch is untrusted input: a revision over
// any limit is refused whole before it is parsed (sizes come from git before the bytes do), so the
// agent's memory and time stay bounded whatever a commit holds. Defaults live here and nowhere else.
import { UserInputError } from './errors.ts';

export interface RevisionLimits {
  /** Bytes of one file. @default 3 MiB, the API server's request limit: a larger object could never be applied. */
  readonly fileBytes: number;
  /** Bytes of all files of the environment together. @default 64 MiB */
  readonly revisionBytes: number;
  /** Objects in the environment. @default 25,000 */
  readonly objects: number;
  /** Nesting depth of one YAML document (maps and lists). @default 64 */
  readonly yamlDepth: number;
  /** Aliases (`*name`) in one YAML document. @default 100 */
  readonly yamlAliases: number;
}

export const DEFAULT_LIMITS: RevisionLimits = {
  fileBytes: 3 * 1024 * 1024,
  revisionBytes: 64 * 1024 * 1024,
  objects: 25_000,
  yamlDepth: 64,
  yamlAliases: 100,
};

/** Where each limit is set, for the hint of a refusal ("raise it with …"). */
const SETTINGS: Record<keyof RevisionLimits, { readonly key: string; readonly flag?: string }> = {
  fileBytes: { key: 'agent.limits.fileSize', flag: '--max-file-size' },
  revisionBytes: { key: 'agent.limits.revisionSize', flag: '--max-revision-size' },
  objects: { key: 'agent.limits.objects', flag: '--max-objects' },
  yamlDepth: { key: 'agent.limits.yamlDepth' },
  yamlAliases: { key: 'agent.limits.yamlAliases' },
};

/** "raise it with --max-file-size or agent.limits.fileSize in gitops.config.ts" */
export function raiseHint(limit: keyof RevisionLimits): string {
  const { key, flag } = SETTINGS[limit];
  return `raise it with ${flag ? `${flag} or ` : ''}${key} in gitops.config.ts`;
}

const UNITS: Record<string, number> = { '': 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9, k: 1e3, M: 1e6, G: 1e9 };

/** Bytes of a size written as a number of bytes or like '3MiB', '512 KiB', '64Mi', '2MB'; undefined when it is not one. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(value.trim()) : null;
  const unit = m ? UNITS[m[2]!] : undefined;
  const bytes = m && unit ? Math.round(Number(m[1]) * unit) : 0;
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** '3 MiB', '200.5 MiB', '900 B' */
export function formatSize(bytes: number): string {
  const [unit, size] = ([['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const).find(([, n]) => bytes >= n) ?? ['B', 1];
  return `${Number((bytes / size).toFixed(1))} ${unit}`;
}

/** A file of a revision as the listing gives it: its path in the branch and its size, before any byte is read. */
export interface ListedFile {
  readonly path: string;
  readonly size: number;
}

/**
 * Refuses a revision whose listing is over the limits: more files than objects may be (one object per file at
 * the least), a file over the file limit, or all files together over the revision limit. Pure: the sizes come
 * from `git ls-tree -l`, so nothing of a refused file was read.
 */
export function checkListing(files: readonly ListedFile[], limits: RevisionLimits, at: { readonly commit: string; readonly env: string }): void {
  const refuse = (message: string, limit: keyof RevisionLimits, file?: string, fix = 'Split the objects over fewer or smaller files') =>
    new UserInputError(`${message}; the revision is refused and nothing of it is applied`, { ...at, ...(file ? { file } : {}), hint: `${fix}, or ${raiseHint(limit)}.` });
  if (files.length > limits.objects) {
    throw refuse(`${at.env}/ holds more than ${limits.objects} files, over the limit of ${limits.objects} objects per revision`, 'objects', undefined, 'Move objects to another environment');
  }
  let total = 0;
  for (const file of files) {
    if (file.size > limits.fileBytes) throw refuse(`${JSON.stringify(file.path)} is ${formatSize(file.size)}, over the limit of ${formatSize(limits.fileBytes)} per file`, 'fileBytes', file.path, 'Split it into smaller files');
    total += file.size;
  }
  if (total > limits.revisionBytes) {
    const largest = [...files].sort((a, b) => b.size - a.size).slice(0, 3).map((f) => `${JSON.stringify(f.path)} (${formatSize(f.size)})`).join(', ');
    throw refuse(`the files of ${at.env}/ are ${formatSize(total)} together, over the limit of ${formatSize(limits.revisionBytes)} per revision (largest: ${largest})`, 'revisionBytes');
  }
}

/** The limit flags of `gitops agent`, as typed. */
export interface LimitFlags {
  readonly maxFileSize?: string;
  readonly maxRevisionSize?: string;
  readonly maxObjects?: string;
}

/** `base` (from gitops.config.ts) with the flags given on top; a flag that is not a size or count is an error naming it. */
export function withLimitFlags(base: RevisionLimits, flags: LimitFlags): RevisionLimits {
  const size = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const bytes = parseSize(text);
    if (bytes === undefined) throw new UserInputError(`${flag}: '${text}' is not a size`, { hint: `Write e.g. ${flag} 3MiB, 512KiB or a number of bytes.` });
    return bytes;
  };
  const objects = flags.maxObjects === undefined ? base.objects : Number(flags.maxObjects);
  if (!Number.isSafeInteger(objects) || objects < 1) throw new UserInputError(`--max-objects: '${flags.maxObjects}' is not a whole number above 0`, { hint: 'Write e.g. --max-objects 25000.' });
  return { ...base, fileBytes: size('--max-file-size', flags.maxFileSize, base.fileBytes), revisionBytes: size('--max-revision-size', flags.maxRevisionSize, base.revisionBytes), objects };
}
