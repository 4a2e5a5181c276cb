// Times each stage of one synth or publish in this process, from the compiler's progress lines, e.g. on a
// fresh clone made by bench:synth: node bin/run-ts.js bench/stages.ts <project> [--publish] [--typecheck] [--no-write].
// The type-check starts first, as the CLI starts it; with --typecheck the stage that waits for it shows when it ended.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { publish: { type: 'boolean' }, typecheck: { type: 'boolean' }, 'no-write': { type: 'boolean' } } });
const root = resolve(positionals[0] ?? '.');
const typecheck = values.typecheck ?? false;
const started = performance.now();
let last = started;
const stage = (line: string) => {
  const now = performance.now();
  console.log(`${(now - started).toFixed(0).padStart(6)} ms  (+${(now - last).toFixed(0).padStart(4)})  ${line}`);
  last = now;
};

if (typecheck) {
  const [{ startTypecheck }, { findPackageRoot }] = await Promise.all([import('../compiler/typecheck.ts'), import('../core/bundle.ts')]);
  startTypecheck(root, findPackageRoot(root)).then(() => stage('(tsc done)'), () => {});
}
if (values.publish) {
  const { publish } = await import('../compiler/publish.ts');
  stage('modules loaded');
  const result = await publish({ root, typecheck, onProgress: stage });
  stage(`${result.outcome}: synth ${Math.round(result.synthMs)} ms, after synth ${Math.round(result.publishMs)} ms`);
} else {
  const { compile } = await import('../compiler/compile.ts');
  stage('modules loaded');
  const outcome = await compile({ root, typecheck, write: !values['no-write'], onProgress: stage });
  stage(`done: ${outcome.report.errors.length} errors, ${JSON.stringify(outcome.written ?? {})}`);
}
console.log(`(the process started ${Math.round(started)} ms before the first line: Node and the bench's own modules)`);
