// The TypeScript type of a chart's values, generated from its values.schema.json (json-schema-to-typescript), for
// `new HelmChart<PodinfoValues>(...)`: the type-check then checks an app's values against the chart's schema.
import { compile } from 'json-schema-to-typescript';
import { isRecord } from '../../core/is-record.ts';

/** imports/charts/<chart>.values.ts */
export function valuesTypeFile(chartName: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(chartName)) throw new Error(`chart name '${chartName}' cannot name a file: a chart name is letters, digits, '-' and '_'`);
  return `imports/charts/${chartName}.values.ts`;
}

/** `podinfo` -> `PodinfoValues`, `cert-manager` -> `CertManagerValues`. */
export function valuesTypeName(chartName: string): string {
  return `${chartName.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Values`;
}

/** The module's source; throws an Error saying what is wrong with the schema. */
export async function valuesTypeSource(chartName: string, schemaText: string): Promise<string> {
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (error) {
    throw new Error(`values.schema.json of chart ${chartName} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(schema)) throw new Error(`values.schema.json of chart ${chartName} is not a JSON schema object`);
  const { title: _title, ...untitled } = schema; // the type is named for the chart, whatever the schema's title
  return compile(untitled, valuesTypeName(chartName), {
    bannerComment: `// The values of Helm chart ${chartName}, from its values.schema.json. Written by \`gitops lock\`: do not edit.`,
    // A chart's schema is not trusted to fetch anything: only references inside the file.
    $refOptions: { resolve: { external: false } },
    additionalProperties: true,
    unknownAny: true,
  });
}
