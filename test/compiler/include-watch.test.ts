// `gitops synth --watch` runs an app again when a file it included changes, though its code did not.
import { afterEach, describe, expect, it } from 'vitest';
import { watch, type Watcher } from '../../compiler/watch.ts';
import { compile, type CompileOutcome } from '../../compiler/compile.ts';
import { makeProject, webApp, type TestProject } from '../helpers/project.ts';
import { CONFIGMAP, DEPLOYMENT, includeApp } from './include-fixtures.ts';

let p: TestProject | undefined;
let watcher: Watcher | undefined;
afterEach(() => {
  watcher?.close();
  p?.cleanup();
});

/** Resolves with the first outcome after `count` outcomes that satisfies `done`. */
function outcomeWhere(outcomes: CompileOutcome[], done: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (done()) { clearInterval(poll); resolve(); }
      else if (Date.now() - started > 20_000) { clearInterval(poll); reject(new Error(`not done after ${outcomes.length} compiles in 20 s`)); }
    }, 10);
  });
}

describe('watch mode with Include', () => {
  it('re-synthesizes the app whose included file changed or whose folder gained a file, and only that app', async () => {
    p = makeProject({ 'apps/legacy.ts': includeApp('legacy', 'manifests/legacy'), 'apps/api.ts': webApp('api'), 'manifests/legacy/a.yaml': CONFIGMAP });
    await compile({ root: p.root, typecheck: false }); // watch starts from the synth cache, as after an earlier run
    const outcomes: CompileOutcome[] = [];
    watcher = watch({ root: p.root, typecheck: false }, (o) => outcomes.push(o));
    await outcomeWhere(outcomes, () => outcomes.length >= 1);
    const api = p.read('dist/dev/api/shop/deployment-api.yaml');

    p.write('manifests/legacy/a.yaml', CONFIGMAP.replace('hello', 'goodbye'));
    await outcomeWhere(outcomes, () => p!.read('dist/dev/legacy/shop/configmap-web-config.yaml').includes('greeting: goodbye'));
    expect(outcomes.at(-1)!.report.errors).toEqual([]);
    expect(outcomes.at(-1)!.written!.written).toBeLessThanOrEqual(2 + 2); // the ConfigMap in dev and prod, and the manifests
    expect(p.read('dist/dev/api/shop/deployment-api.yaml')).toBe(api);

    p.write('manifests/legacy/b.yaml', DEPLOYMENT);
    await outcomeWhere(outcomes, () => p!.snapshot().has('dev/legacy/shop/deployment-web.yaml'));
  });
});
