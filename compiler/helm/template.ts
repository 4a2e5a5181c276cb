// `helm template` of one chart, client-only: release name, namespace, values (on stdin), CRDs from crds/, and the
// target's Kubernetes version and API versions, so `.Capabilities` answers as the cluster would and `lookup` finds
// nothing (helm never contacts a cluster here).
import { runHelm } from './helm-run.ts';

export interface TemplateRequest {
  /** A chart folder or archive (.tgz). */
  readonly chartPath: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: unknown;
  readonly includeCrds: boolean;
  readonly kubeVersion: string;
  /** Added to helm's built-in API versions (`.Capabilities.APIVersions`): `group/version` or `group/version/Kind`. */
  readonly apiVersions: readonly string[];
}

/** The Kubernetes version charts are rendered for unless a HelmChart says otherwise: pinned, so the output never depends on which helm renders it. */
export const DEFAULT_KUBE_VERSION = '1.34.0';

function templateArgs(req: TemplateRequest): string[] {
  return [
    'template', req.releaseName, req.chartPath,
    '--namespace', req.namespace,
    '--kube-version', req.kubeVersion,
    ...(req.apiVersions.length > 0 ? ['--api-versions', req.apiVersions.join(',')] : []),
    ...(req.includeCrds ? ['--include-crds'] : []),
    '--values', '-',
  ];
}

/** helm's output: YAML documents, each after a `# Source:` comment. */
export function helmTemplate(req: TemplateRequest): string {
  return runHelm({ args: templateArgs(req), input: JSON.stringify(req.values ?? {}) });
}
