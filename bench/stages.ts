// Times each stage of one synth or publish in this process, from the compiler's progress lines, e.g. on a
// fresh clone made by bench:synth: node bin/run-ts.js bench/stages.ts <project> [--publish] [--typecheck | --typecheck-in-compile] [--no-write].
// The type-check starts first, as the CLI starts it (its end is shown); --typecheck-in-compile starts it where compile()
// would without the CLI, after the compiler's modules load (the order before issue 18), for comparison.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { publish: { type: 'boolean' }, typecheck: { type: 'boolean' }, 'typecheck-in-compile': { type: 'boolean' }, 'no-write': { type: 'boolean' } } });
const root = resolve(positionals[0] ?? '.');
const typecheck = (values.typecheck || values['typecheck-in-compile']) ?? false;
const started = performance.now();
let last = started;
const stage = (line: string) => {
  const now = performance.now();
  console.log(`${(now - started).toFixed(0).padStart(6)} ms  (+${(now - last).toFixed(0).padStart(4)})  ${line}`);
  last = now;
};

if (values.typecheck) {
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
  const outcome = await compile({ root, typecheck, write: !values['no-write'], onProgress: stage, cacheFrom: process.env.CACHE_FROM });
  stage(`done: ${outcome.report.errors.length} errors, ${JSON.stringify(outcome.written ?? {})}`);
}
console.log(`(the process started ${Math.round(started)} ms before the first line: Node and the bench's own modules)`);
