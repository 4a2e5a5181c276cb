// EncryptedSecret: a Secret whose values live encrypted (SOPS, age) in the repository, by default at
// secrets/<env>/<namespace>/<name>.sops.yaml (made with `gitops secret create`). Synth checks the file
// without decrypting it and renders it still encrypted; only the environment's agent can open it.
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { SOPS_FILE_ANNOTATION } from '../core/sops/names.ts';

export interface EncryptedSecretProps {
  /** The Secret's name (and that of its file). */
  readonly name: string;
  /** Its namespace. @default the chart's namespace */
  readonly namespace?: string;
  /** The SOPS file, relative to the project root. @default secrets/<env>/<namespace>/<name>.sops.yaml */
  readonly file?: string;
}

export class EncryptedSecret extends Construct {
  /** The Secret's name, for references from pods (env from, volumes). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    this.name = props.name;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    new ApiObject(this, 'secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      // Synth replaces the empty path by the conventional one and adds the file itself.
      metadata: { name: props.name, ...(namespace ? { namespace } : {}), annotations: { [SOPS_FILE_ANNOTATION]: props.file ?? '' } },
    });
  }
}
