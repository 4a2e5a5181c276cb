// Formats benchmark results: the side-by-side Markdown table with ratios (cdk8s / ours) and the target checks.
import type { Sample } from './measure.ts';

export const TOOLS = ['oursNoTypecheck', 'oursTypecheck', 'cdk8s'] as const;
export type Tool = (typeof TOOLS)[number];

export interface SizeResult {
  readonly services: number;
  readonly objects: number;
  /** Medians over the runs. */
  readonly median: Readonly<Record<Tool, Sample>>;
  /** Ours without type-check, first run after the bundle cache was removed. */
  readonly oursCold: Sample;
}

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean;
}

const s = (x: Sample) => `${(x.wallMs / 1000).toFixed(2)} s / ${Math.round(x.rssMB)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

export function resultsTable(results: readonly SizeResult[]): string {
  const rows = results.map(({ services, objects, median: m, oursCold }) => [
    String(services), String(objects), s(m.oursNoTypecheck), s(m.oursTypecheck), s(m.cdk8s),
    ratio(m.cdk8s.wallMs, m.oursNoTypecheck.wallMs), ratio(m.cdk8s.wallMs, m.oursTypecheck.wallMs),
    ratio(m.cdk8s.rssMB, m.oursNoTypecheck.rssMB), s(oursCold),
  ]);
  const header = ['N', 'objects', 'ours --no-typecheck', 'ours (type-check)', 'cdk8s synth', 'time ratio no-tc', 'time ratio tc', 'RSS ratio no-tc', 'ours cold cache, no-tc'];
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function targetsTable(targets: readonly Target[]): string {
  const rows = targets.map((t) => [t.name, t.value, t.goal, t.met ? 'met' : 'MISSED']);
  return [['target', 'measured', 'goal', ''], ['---', '---', '---', '---'], ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
