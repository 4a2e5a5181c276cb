// Names shared by the construct, the compiler and the agent (no crypto here: app bundles import it).

/** On a rendered Secret: the whole SOPS file, as committed. */
export const SOPS_ANNOTATION = 'typed-gitops.dev/sops';
/** On a rendered Secret: the SOPS file's path in the source repository (set by EncryptedSecret, or filled in by synth). */
export const SOPS_FILE_ANNOTATION = 'typed-gitops.dev/sops-file';

/** The conventional place of a Secret's file, relative to the project root. */
export function secretFilePath(env: string, namespace: string, name: string): string {
  return `secrets/${env}/${namespace}/${name}.sops.yaml`;
}
