// What every app's record shares (app-record.ts recordContext): the project's nearest lock file, typed-gitops's
// own, and the compiler's code, so a new cdk8s or a changed compiler never reuses an old commit's objects.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordContext } from '../../compiler/app-record.ts';

let dir: string | undefined;
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function folder(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'record-context-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('recordContext', () => {
  it("changes with the project's lock file (the nearest one up), typed-gitops's own and its compiler's code, not its tests", () => {
    const root = folder({
      'shop/package-lock.json': '{"v":1}', 'shop/apps/web/x': '',
      'tool/package.json': '{"name":"typed-gitops","version":"1.2.3"}', 'tool/compiler/render.ts': 'a', 'tool/core/kinds.ts': 'b', 'tool/compiler/render.test.ts': 't',
    });
    const context = () => recordContext(join(root, 'shop', 'apps', 'web'), join(root, 'tool'));
    const first = context();
    expect(first.tool).toMatch(/^1\.2\.3 [0-9a-f]{16}$/);
    writeFileSync(join(root, 'tool/compiler/render.test.ts'), 'u');
    expect(context()).toEqual(first);
    writeFileSync(join(root, 'shop/package-lock.json'), '{"v":2}');
    expect(context().packages).not.toBe(first.packages);
    writeFileSync(join(root, 'tool/package.json'), '{"name":"typed-gitops","version":"1.2.4"}');
    const bumped = context();
    expect(bumped.tool).toMatch(/^1\.2\.4 /);
    writeFileSync(join(root, 'tool/core/kinds.ts'), 'c');
    expect(context().tool).not.toBe(bumped.tool);
  });
});
