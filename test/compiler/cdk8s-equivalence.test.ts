// Our synth must produce exactly the objects that cdk8s's own App.synth() produces for the same app.
import { afterAll, describe, expect, it } from 'vitest';
import { App } from 'cdk8s';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { bundleEntries } from '../../core/bundle.ts';
import { compile } from '../../compiler/compile.ts';
import { discoverApps } from '../../compiler/discover.ts';
import { ownerLabels } from '../../core/owner-labels.ts';
import { loadAppDefinition } from '../../compiler/synth.ts';
import { renderedKinds } from '../../compiler/rendered-kinds.ts';
import { makeProject } from '../helpers/project.ts';
import { SOPS_ANNOTATION, SOPS_FILE_ANNOTATION, secretFilePath } from '../../core/sops/names.ts';

const p = makeProject({}, { copyExample: true });
afterAll(() => p.cleanup());

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('equivalence with cdk8s synth', () => {
  it('renders the same objects, field for field, for every app and environment', async () => {
    const outcome = await compile({ root: p.root, typecheck: false });
    expect(outcome.report.errors).toEqual([]);
    const ours = new Map([...p.snapshot()].filter(([f]) => f.endsWith('.yaml')).map(([f, text]) => [`${f.split('/')[0]}:${key(parse1(text))}`, parse1(text)]));

    const entries = discoverApps(p.root, 'apps');
    const bundles = await bundleEntries(p.root, entries.map((e) => ({ id: e.name, file: e.sourceFile })));
    const theirs = new Map<string, unknown>();
    for (const env of outcome.config.environments) {
      for (const entry of entries) {
        const definition = await loadAppDefinition(p.root, entry, bundles.get(entry.name)!);
        if (!('build' in definition)) throw new Error(definition.message);
        if (definition.environments && !definition.environments.includes(env.name)) continue;
        const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-'));
        const app = new App({ outdir });
        const others = outcome.results.filter((r) => r.env === env.name && r.app !== entry.name).flatMap((r) => r.objects);
        definition.build(app, { name: env.name, values: env.values, rendered: definition.buildAfterOthers ? renderedKinds(others) : undefined });
        app.synth();
        for (const file of readdirSync(outdir)) {
          for (const doc of parseAllDocuments(readFileSync(join(outdir, file), 'utf8'))) {
            // cdk8s plus what we add on purpose: the owner labels in each object's metadata (not in pod templates)
            const o = doc.toJS();
            o.metadata.labels = { ...o.metadata.labels, ...ownerLabels(entry.name, env.name) };
            embedSecretFile(o, p.root, env.name);
            theirs.set(`${env.name}:${key(o)}`, o);
          }
        }
        rmSync(outdir, { recursive: true });
      }
    }
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [k, o] of theirs) expect(ours.get(k), k).toEqual(o);
    expect(ours.size).toBeGreaterThan(20);
  });
});

/** An EncryptedSecret as synth completes it: its conventional file's path and text, and the file's type. */
function embedSecretFile(o: any, root: string, env: string): void {
  if (o.metadata.annotations?.[SOPS_FILE_ANNOTATION] === undefined) return;
  const path = secretFilePath(env, o.metadata.namespace, o.metadata.name);
  const text = readFileSync(join(root, path), 'utf8');
  o.metadata.annotations = { [SOPS_FILE_ANNOTATION]: path, [SOPS_ANNOTATION]: text };
  o.type = parse1(text).type;
}

function parse1(text: string): any {
  return parseAllDocuments(text)[0].toJS();
}
