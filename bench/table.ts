// Formats benchmark results: the side-by-side Markdown table with ratios (cdk8s / ours) and the target checks.
import type { Sample } from './measure.ts';

export const TOOLS = ['oursNoTypecheck', 'oursTypecheck', 'oursClean', 'oursNoCache', 'freshOne', 'freshEvery', 'publishOne', 'floorOne', 'floorEvery', 'cdk8s'] as const;
export type Tool = (typeof TOOLS)[number];

export interface SizeResult {
  readonly services: number;
  readonly objects: number;
  /** Medians over the runs. */
  readonly median: Readonly<Record<Tool, Sample>>;
  /** Ours without type-check, one run with no bundle cache and no output folder. */
  readonly oursCold: Sample;
}

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean;
}

export const formatSample = (x: Sample) => `${(x.wallMs / 1000).toFixed(2)} s (cpu ${(x.cpuMs / 1000).toFixed(2)}) / ${Math.round(x.rssMB)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
/** Wall-time ratio, and the CPU-time ratio, which other load on the machine moves less. */
const both = (a: Sample, b: Sample) => `${ratio(a.wallMs, b.wallMs)} (cpu ${ratio(a.cpuMs, b.cpuMs)})`;

export function resultsTable(results: readonly SizeResult[]): string {
  const rows = results.map(({ services, objects, median: m, oursCold }) => [
    String(services), String(objects), formatSample(m.oursNoTypecheck), formatSample(m.oursTypecheck), formatSample(m.oursClean), formatSample(m.oursNoCache), formatSample(m.cdk8s),
    ratio(m.cdk8s.wallMs, m.oursNoTypecheck.wallMs), ratio(m.cdk8s.wallMs, m.oursTypecheck.wallMs), ratio(m.cdk8s.wallMs, m.oursClean.wallMs), ratio(m.cdk8s.wallMs, m.oursNoCache.wallMs), formatSample(oursCold),
  ]);
  const header = ['N', 'objects', 'ours --no-typecheck', 'ours (type-check)', 'ours --no-typecheck, empty dist/', 'ours --no-typecheck --no-cache', 'cdk8s synth',
    'cdk8s / ours no-tc', 'cdk8s / ours tc', 'cdk8s / ours empty dist/', 'cdk8s / ours no cache', 'ours cold: no caches, empty dist/ (1 run)'];
  return markdown([header, ...rows]);
}

/** The fresh-clone columns (what CI pays), with cdk8s synth of the same run and the floor (floor.ts) beside them. */
export function freshTable(results: readonly SizeResult[]): string {
  const rows = results.map(({ services, objects, median: m }) => [
    String(services), String(objects), formatSample(m.freshOne), formatSample(m.freshEvery), formatSample(m.publishOne), formatSample(m.cdk8s),
    both(m.cdk8s, m.freshOne), both(m.cdk8s, m.freshEvery), formatSample(m.floorOne), formatSample(m.floorEvery),
    ratio(m.cdk8s.wallMs, m.floorOne.wallMs), ratio(m.cdk8s.wallMs, m.floorEvery.wallMs),
  ]);
  const header = ['N', 'objects', 'fresh clone, one app changed', 'fresh clone, every app changed', 'publish on a fresh clone, one app changed', 'cdk8s synth',
    'cdk8s / ours one app (cpu)', 'cdk8s / ours every app (cpu)', 'floor: cdk8s builds one app in Node', 'floor: every app',
    'ceiling one app: cdk8s synth / floor', 'ceiling every app'];
  return markdown([header, ...rows]);
}

export function targetsTable(targets: readonly Target[]): string {
  const rows = targets.map((t) => [t.name, t.value, t.goal, t.met ? 'met' : 'MISSED']);
  return markdown([['target', 'measured', 'goal', ''], ...rows]);
}

function markdown([header, ...rows]: readonly (readonly string[])[]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
