// `gitops synth --watch`: a saved change to one app shows up in dist/ without a restart,
// and an app whose change breaks it leaves its last good output in place.
import { afterEach, describe, expect, it } from 'vitest';
import { watch, type Watcher } from '../../compiler/watch.ts';
import type { CompileOutcome } from '../../compiler/compile.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';

let p: TestProject | undefined;
let watcher: Watcher | undefined;
afterEach(() => {
  watcher?.close();
  p?.cleanup();
});

function nextOutcome(outcomes: CompileOutcome[], count: number): Promise<CompileOutcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (outcomes.length >= count) { clearInterval(poll); resolve(outcomes[count - 1]); }
      else if (Date.now() - started > 20_000) { clearInterval(poll); reject(new Error(`no compile #${count} within 20 s`)); }
    }, 5);
  });
}

describe('watch mode', () => {
  it('re-synthesizes the changed app only, and keeps the last good output on an error', async () => {
    p = makeProject({ 'apps/web.ts': webApp('web'), 'apps/api.ts': webApp('api') });
    const outcomes: CompileOutcome[] = [];
    watcher = watch({ root: p.root, typecheck: false }, (o) => outcomes.push(o));
    await nextOutcome(outcomes, 1);
    const api = p.read('dist/dev/api/shop/deployment-api.yaml');

    p.write('apps/web.ts', webApp('web', 'ghcr.io/acme/web:2.0.0'));
    const second = await nextOutcome(outcomes, 2);
    expect(second.report.errors).toEqual([]);
    expect(p.read('dist/dev/web/shop/deployment-web.yaml')).toContain('web:2.0.0');
    expect(p.read('dist/dev/api/shop/deployment-api.yaml')).toBe(api);
    expect(second.written).toMatchObject({ written: expect.any(Number), deleted: 0 });
    // only web's objects (and the manifests) were rewritten
    expect(second.written!.written).toBeLessThanOrEqual(2 * 6 + 2);

    p.write('apps/web.ts', webApp('web').replace('build(app, env) {', "build(app, env) {\n    throw new Error('oops');"));
    const third = await nextOutcome(outcomes, 3);
    expect(third.report.errors.map((e) => e.rule)).toContain('app-threw');
    expect(p.read('dist/dev/web/shop/deployment-web.yaml')).toContain('web:2.0.0');
  });
});
