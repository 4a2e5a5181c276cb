// Where synth writes: an object whose kind, name or namespace would put its file outside its app's
// folder of dist/ (a custom kind '../../x') is an error naming the app, object and file, and nothing is written.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { formatError } from '../../core/errors.ts';
import { writeTree } from '../../compiler/write.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

const projects: TestProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

/** An app with one custom resource of the given kind (and, when asked, the CRD defining it). */
function customKindApp(kind: string, withCrd: boolean): string {
  const crd = `new ApiObject(chart, 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: ${JSON.stringify(kind)}, plural: 'gadgets' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] } });`;
  return `import { ApiObject, Chart } from 'cdk8s';
import { defineApp } from 'typed-gitops/lib';
export default defineApp({
  name: 'evil',
  build(app) {
    const chart = new Chart(app, 'evil', { namespace: 'shop' });
    ${withCrd ? crd : ''}
    new ApiObject(chart, 'x', { apiVersion: 'example.com/v1', kind: ${JSON.stringify(kind)}, metadata: { name: 'escaped' } });
  },
});
`;
}

describe('synth output paths', () => {
  it.each([
    ['../../../../x', false],
    ['../../x', true],
    ['a/b', false],
  ])('refuses a custom kind %j (CRD in the set: %s), naming the app, object and file; dist/ and its parents are untouched', async (kind, withCrd) => {
    const p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/evil.ts': customKindApp(kind, withCrd) });
    projects.push(p);
    const error = await compile({ root: p.root, typecheck: false }).then(() => 'compiled', formatError);
    expect(error).toContain('2 object(s) cannot be written under dist/; nothing was written'); // one per environment
    for (const env of ['dev', 'prod']) {
      expect(error).toContain(`app evil (apps/evil.ts), ${kind} shop/escaped: its file "${env}/evil/shop/${kind.toLowerCase()}-escaped.yaml" would not be in its app's folder: its kind ${JSON.stringify(kind)} contains '/'`);
    }
    expect(existsSync(join(p.root, 'dist'))).toBe(false);
    expect(existsSync(join(p.root, 'x-escaped.yaml'))).toBe(false);
    expect(existsSync(join(p.root, 'dist/dev/x-escaped.yaml'))).toBe(false);
  });
});

describe('writeTree', () => {
  it('writes nothing for a path with a ".." entry', () => {
    const base = mkdtempSync(join(tmpdir(), 'write-tree-'));
    try {
      const outDir = join(base, 'dist');
      const files = new Map([['dev/web/shop/configmap-a.yaml', 'a: 1\n'], ['dev/web/../../../outside.yaml', 'b: 2\n']]);
      expect(() => writeTree(outDir, { files, scope: [{ env: 'dev' }] })).toThrow(`refusing to write "dev/web/../../../outside.yaml" under ${outDir}: its entry ".." is '..'; nothing was written`);
      expect(existsSync(join(base, 'outside.yaml'))).toBe(false);
      expect(existsSync(outDir)).toBe(false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
