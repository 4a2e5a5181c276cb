// `gitops import`: read CRDs from each source (or the cluster), plan the group modules and schema files,
// then write them into imports/, each file replaced whole (written beside, then renamed).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserInputError } from '../../core/errors.ts';
import { readCluster, type ClusterFilter } from './cluster-source.ts';
import { collectCrds, type CollectedCrds, type SourceDocument } from './crd.ts';
import { planImport, type GroupImport } from './plan.ts';
import { readSource } from './read-source.ts';
import { IMPORTS_DIR, readSchemasFile } from './schemas-file.ts';
import { parseSource, sourceName } from './source.ts';

export interface ImportOptions extends ClusterFilter {
  readonly root: string;
  /** Files, folders, URLs, gomod: sources; with fromCluster, the names to import (all when none). */
  readonly sources: readonly string[];
  readonly fromCluster?: boolean;
}

export interface ImportResult {
  readonly groups: readonly GroupImport[];
  /** Documents read that are not CRDs. */
  readonly skipped: CollectedCrds['skipped'];
  readonly dir: string;
}

export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const dir = resolve(options.root, IMPORTS_DIR);
  const { crds, skipped } = await readCrds(options);
  const groups = planImport(crds, (group) => readSchemasFile(options.root, group));
  mkdirSync(dir, { recursive: true });
  for (const file of groups.flatMap((g) => g.files)) {
    const path = join(dir, file.name);
    writeFileSync(`${path}.tmp`, file.text);
    renameSync(`${path}.tmp`, path);
  }
  return { groups, skipped, dir };
}

async function readCrds(options: ImportOptions): Promise<CollectedCrds> {
  if (!options.fromCluster && (options.groups || options.kubeconfig)) {
    throw new UserInputError('--group and --kubeconfig choose what --from-cluster reads', { object: 'gitops import', hint: 'Add --from-cluster, or leave them out.' });
  }
  if (options.fromCluster) return collectCrds(await readCluster({ ...options, names: options.sources.length > 0 ? options.sources : undefined }));
  if (options.sources.length === 0) {
    throw new UserInputError('nothing to import', { object: 'gitops import', hint: 'Name a CRD file or folder, a URL, gomod:<module>@<version>/<folder>, or use --from-cluster.' });
  }
  const sources = options.sources.map(parseSource);
  const documents: SourceDocument[] = [];
  for (const source of sources) documents.push(...(await readSource(source)));
  const found = collectCrds(documents);
  for (const source of sources.map(sourceName)) {
    if (found.crds.some((c) => c.source === source)) continue;
    const skipped = found.skipped.filter((s) => s.source === source).map((s) => s.document);
    const seen = skipped.length > 0 ? `: ${few(skipped, 5)}` : ' (no documents)';
    throw new UserInputError(`holds no CustomResourceDefinition${seen}`, { file: source, hint: 'Import a file or folder of CRDs (kind: CustomResourceDefinition, apiextensions.k8s.io/v1).' });
  }
  return found;
}

/** What the command prints: each file written and its kinds, then what was skipped. */
export function formatImport(result: ImportResult, cwd = process.cwd()): string {
  const lines = result.groups.map((g) => `${relative(cwd, join(result.dir, `${g.group}.ts`))}: ${g.kinds.join(', ')}`);
  if (result.skipped.length > 0) lines.push(`skipped ${result.skipped.length} document(s) that are not CRDs: ${few(result.skipped.map((s) => s.document), 10)}`);
  return `${lines.join('\n')}\n`;
}

function few(items: readonly string[], max: number): string {
  return `${items.slice(0, max).join(', ')}${items.length > max ? `, … (${items.length})` : ''}`;
}
