// Which files an import writes: per group the CRDs already imported, with the ones just read taking the
// place of those of the same name, as a module and a schemas file. Pure: nothing is written here, so a
// failure while generating any group leaves imports/ as it was.
import type { SlimCrd } from './crd.ts';
import { emitModule } from './emit-module.ts';
import { renderSchemasFile, schemasFileName } from './schemas-file.ts';

export interface PlannedFile {
  /** Relative to the imports folder. */
  readonly name: string;
  readonly text: string;
}

export interface GroupImport {
  readonly group: string;
  /** Kinds with their served versions, e.g. 'HTTPRoute (v1, v1beta1)'. */
  readonly kinds: readonly string[];
  readonly files: readonly PlannedFile[];
}

export function planImport(incoming: readonly SlimCrd[], existing: (group: string) => readonly SlimCrd[]): GroupImport[] {
  const groups = [...new Set(incoming.map((c) => c.spec.group))].sort();
  return groups.map((group) => {
    const fresh = incoming.filter((c) => c.spec.group === group);
    const names = new Set(fresh.map((c) => c.metadata.name));
    const crds = [...existing(group).filter((c) => !names.has(c.metadata.name)), ...fresh];
    return {
      group,
      kinds: fresh.map((c) => `${c.spec.names.kind} (${c.spec.versions.map((v) => v.name).join(', ')})`).sort(),
      files: [{ name: `${group}.ts`, text: emitModule(group, crds) }, { name: schemasFileName(group), text: renderSchemasFile(group, crds) }],
    };
  });
}
