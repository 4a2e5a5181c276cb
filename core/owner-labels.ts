// The owner labels: which app and environment an object belongs to. The compiler renders them into
// every object's metadata.labels; the agent checks them and prunes by them. One definition for both.

export const OWNER_APP = 'typed-gitops.dev/app';
export const OWNER_ENV = 'typed-gitops.dev/env';

/** The owner labels of an object of `app` in `env`. */
export function ownerLabels(app: string, env: string): Record<string, string> {
  return { [OWNER_APP]: app, [OWNER_ENV]: env };
}
