// Splits `helm template` output into its documents, each with the template it came from (helm's `# Source:` comment)
// and its index among that template's documents. Pure: text in, plain objects out.
import { parse } from 'yaml';
import type { K8sObject } from '../../core/types.ts';
import { isRecord } from '../../core/is-record.ts';

export interface ChartDocument {
  /** The template, as helm names it: `<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`, `<chart>/crds/z.yaml`. */
  readonly source: string;
  /** Index of the document within its template, from 0. */
  readonly index: number;
  readonly object: K8sObject;
}

const SEPARATOR = /^---[ \t]*(?:#.*)?$/m;
const SOURCE = /^# Source: (.+)$/m;

/** The objects in helm's output; throws an Error naming the template of a document that is no Kubernetes object. */
export function chartDocuments(output: string): ChartDocument[] {
  const documents: ChartDocument[] = [];
  const seen = new Map<string, number>();
  let source = '(no template named)';
  for (const chunk of output.split(SEPARATOR)) {
    const named = SOURCE.exec(chunk)?.[1]?.trim();
    if (named) source = named;
    const index = seen.get(source) ?? 0;
    let value: unknown;
    try {
      value = parse(chunk);
    } catch (error) {
      throw new Error(`template ${source}, document ${index}: not valid YAML: ${(error as Error).message}`);
    }
    if (value === null || value === undefined) continue;
    seen.set(source, index + 1);
    if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      throw new Error(`template ${source}, document ${index}: not a Kubernetes object (no apiVersion and kind)`);
    }
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    documents.push({ source, index, object: { ...value, metadata } as K8sObject });
  }
  return documents;
}
