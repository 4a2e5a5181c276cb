// Writes a kubeconfig for the admin client certificate, usable by kubectl,
// @kubernetes/client-node and the control-plane components themselves.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export interface KubeconfigInput {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Context, cluster and user name. */
  readonly name: string;
}

export function writeKubeconfig(path: string, input: KubeconfigInput): void {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.name, cluster: { server: input.server, 'certificate-authority-data': b64(input.caCert) } }],
    users: [{ name: input.name, user: { 'client-certificate-data': b64(input.clientCert), 'client-key-data': b64(input.clientKey) } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.name } }],
    'current-context': input.name,
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

/** A copy of a kubeconfig whose clusters point at another server URL (e.g. a proxy in front of the API server). */
export function retargetKubeconfig(from: string, to: string, server: string): void {
  const config = parse(readFileSync(from, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const c of config.clusters) c.cluster.server = server;
  writeFileSync(to, stringify(config), { mode: 0o600 });
}
