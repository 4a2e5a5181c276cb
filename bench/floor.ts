// The floor of the fresh-clone columns: what cdk8s itself costs in a new Node process for the apps that changed,
// with nothing else done — no TypeScript step (the chart is compiled to JavaScript beforehand, not measured), no
// YAML, no checks, no git, no files. Each app is its own cdk8s App, as synth runs them. No tool that runs the
// changed apps in Node can beat it, so cdk8s synth / floor is the ceiling of the speed-up on this machine.
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { serviceChartOfLoop, writeIfChanged, type BenchProjects } from './generate.ts';
import type { Command } from './measure.ts';

/** The command that builds the first N apps of `p` as above, from a script written (once) next to its projects. */
export function floorCommands(p: BenchProjects): (apps: number) => Command {
  const dir = join(p.ours, '..', 'floor');
  const chart = buildSync({ entryPoints: [join(p.ours, '..', 'shared', 'service-chart.ts')], bundle: true, packages: 'external', format: 'esm', platform: 'node', write: false });
  writeIfChanged(join(dir, 'service-chart.mjs'), chart.outputFiles[0]!.text);
  writeIfChanged(join(dir, 'floor.mjs'), script());
  return (apps) => ({ cmd: process.execPath, args: [join(dir, 'floor.mjs'), String(apps)], cwd: dir });
}

function script(): string {
  return `// bench/floor.ts: cdk8s loaded, then the first N apps built, each in its own App, and turned into JSON.
import { App } from 'cdk8s';
import { ServiceChart } from './service-chart.mjs';

let bytes = 0;
for (let c = 0; c < Number(process.argv[2]); c++) {
  const app = new App();
  ${serviceChartOfLoop()}
  for (const chart of app.charts) bytes += JSON.stringify(chart.toJson()).length;
}
if (bytes === 0) process.exit(1);
`;
}
