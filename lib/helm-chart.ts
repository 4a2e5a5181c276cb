// HelmChart: a Helm chart rendered at synth (`helm template`, client-only) into ordinary ApiObjects, validated,
// owned and labelled like every other object. The chart comes from a folder of the project, a chart repository or
// an OCI registry, pinned by digest in gitops.lock (`gitops lock`); the agent never needs helm.
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { ChartAuth } from '../compiler/helm/chart-source.ts';
import { renderChart } from '../compiler/helm/render-chart.ts';
import { DEFAULT_KUBE_VERSION } from '../compiler/helm/template.ts';
import { projectRoot } from './synth-inputs.ts';

export interface HelmChartProps<Values = Record<string, unknown>> {
  /**
   * The chart: a folder of the project (`charts/podinfo`), a chart name in `repo`, or an OCI reference
   * (`oci://registry.example.com/charts/podinfo`).
   */
  readonly chart: string;
  /** The chart repository (the URL that serves index.yaml) that `chart` is named in. @default none */
  readonly repo?: string;
  /** The exact chart version, for a repository or OCI chart. @default none (a folder's Chart.yaml says) */
  readonly version?: string;
  /** The release name (`.Release.Name`). @default the construct id */
  readonly releaseName?: string;
  /** The release namespace, set on namespaced objects that name none. @default the enclosing Chart's namespace */
  readonly namespace?: string;
  /** The chart's values; type them with the interface `gitops lock` writes to imports/charts/<name>.values.ts. @default {} */
  readonly values?: Values;
  /** Render the CRDs of the chart's crds/ folders (`--include-crds`). @default true */
  readonly includeCrds?: boolean;
  /** `.Capabilities.KubeVersion`: the target cluster's Kubernetes version. @default '1.34.0' */
  readonly kubeVersion?: string;
  /**
   * API versions the target serves besides the built-in ones (`.Capabilities.APIVersions`), as `group/version` or
   * `group/version/Kind`, e.g. `monitoring.coreos.com/v1/ServiceMonitor` for a CRD another app installs. @default []
   */
  readonly apiVersions?: readonly string[];
  /** Environment variables with the repository's or registry's user name and password, read only to fetch. @default none */
  readonly auth?: ChartAuth;
  /** Talk to the OCI registry over plain HTTP (a registry on loopback). @default false */
  readonly plainHttp?: boolean;
}

// A cdk8s Chart without a namespace of its own, so cluster-scoped objects get none; namespaced ones get the release's.
export class HelmChart<Values = Record<string, unknown>> extends Chart {
  // `apiObjects` (from Chart): what the chart rendered, in helm's order, hooks translated (compiler/helm/hooks.ts).
  constructor(scope: Construct, id: string, props: HelmChartProps<Values>) {
    super(scope, id, {});
    const documents = renderChart(projectRoot(), {
      ...props,
      id,
      releaseName: props.releaseName ?? id,
      namespace: props.namespace ?? Chart.of(scope).namespace ?? 'default',
      values: props.values ?? {},
      includeCrds: props.includeCrds ?? true,
      kubeVersion: props.kubeVersion ?? DEFAULT_KUBE_VERSION,
      apiVersions: props.apiVersions ?? [],
    });
    for (const { source, index, object } of documents) new ApiObject(this, `${source.replaceAll('/', ':')}#${index}`, object);
  }
}
