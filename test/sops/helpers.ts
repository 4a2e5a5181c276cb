// Test-only age keys (generated per test, never committed) and a project whose environments use them.
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/project.ts';

export interface AgeKey { readonly identity: string; readonly recipient: string }

export async function ageKey(): Promise<AgeKey> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export function sopsConfig(recipients: Readonly<Record<string, readonly string[]>>, namespace = 'shop'): string {
  const envs = Object.entries(recipients).map(([env, r]) => `    ${env}: { values: {}, secretRecipients: ${JSON.stringify(r)} },`).join('\n');
  return `import { defineConfig } from 'typed-gitops/config';
export default defineConfig({
  environments: {
${envs}
  },
  external: { namespaces: ['${namespace}'] },
});
`;
}

/** An app with one EncryptedSecret <namespace>/db. */
export const secretApp = (namespace = 'shop') => `import { Chart } from 'cdk8s';
import { defineApp, EncryptedSecret } from 'typed-gitops/lib';
export default defineApp({
  name: 'db',
  build(app) {
    const chart = new Chart(app, 'db', { namespace: '${namespace}' });
    new EncryptedSecret(chart, 'credentials', { name: 'db' });
  },
});
`;

export interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

/** `stdin`: what the command reads on standard input (it gets an empty one otherwise). */
export function gitops(args: readonly string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(REPO_ROOT, 'bin/gitops.js'), ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}
