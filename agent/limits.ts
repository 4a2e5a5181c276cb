// What one revision of the rendered branch may hold. The branch is untrusted input: a revision over
// any limit is refused whole before it is parsed (sizes come from git before the bytes do), so the
// agent's memory and time stay bounded whatever a commit holds. Defaults live here and nowhere else.

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
