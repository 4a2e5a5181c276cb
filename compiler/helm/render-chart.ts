// One HelmChart's objects: its chart found as gitops.lock pins it, rendered by `helm template`, split into documents,
// hooks translated, and the release namespace set on namespaced objects that name none (never on cluster-scoped ones,
// the chart's own CRDs included). Errors name the chart: the app's build() fails with them.
import { crdScopes, isClusterScoped } from '../../core/kinds.ts';
import type { K8sObject } from '../../core/types.ts';
import { chartSource, lockKey, type ChartSourceProps } from './chart-source.ts';
import { translateHooks } from './hooks.ts';
import { chartDocuments, type ChartDocument } from './manifests.ts';
import { resolveChart } from './resolve.ts';
import { helmTemplate, type TemplateRequest } from './template.ts';

export type RenderChartRequest = ChartSourceProps & Omit<TemplateRequest, 'chartPath'> & { readonly id: string };

export function renderChart(root: string, req: RenderChartRequest): ChartDocument[] {
  let name = req.chart;
  try {
    const source = chartSource(req);
    name = lockKey(source);
    const chart = resolveChart(root, source);
    const documents = chartDocuments(helmTemplate({ ...req, chartPath: chart.path })).flatMap((d) => {
      const object = translateHooks(d.object, d.source);
      return object ? [{ ...d, object }] : [];
    });
    const crds = crdScopes(documents.map((d) => d.object));
    return documents.map((d) => (isClusterScoped(d.object.apiVersion, d.object.kind, crds) ? d : { ...d, object: withNamespace(d.object, req.namespace) }));
  } catch (error) {
    const message = (error as Error).message;
    // A folder chart whose Chart.yaml lists dependencies that are not in its charts/ folder yet.
    const hint = /missing in charts\/ directory/.test(message) ? `; run \`helm dependency build ${req.chart}\` and commit its charts/ folder` : '';
    throw new Error(`HelmChart '${req.id}' (${name}): ${message}${hint}`);
  }
}

function withNamespace(object: K8sObject, namespace: string): K8sObject {
  return object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace } };
}
