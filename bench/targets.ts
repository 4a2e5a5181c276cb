// The benchmark's targets (issues 2 and 18) checked against the medians of one run.
import type { SizeResult, Target, Tool } from './table.ts';

const speedUp = (r: SizeResult, tool: Tool, name: string, goal: number): Target => {
  const x = r.median.cdk8s.wallMs / r.median[tool].wallMs;
  return { name: `N=${r.services} ${name}, speed-up over cdk8s synth`, value: `${x.toFixed(1)}×`, goal: `≥ ${goal}×`, met: x >= goal };
};

const peakRss = (r: SizeResult, tools: readonly Tool[], name: string, goal: number): Target => {
  const peak = Math.max(...tools.map((t) => r.median[t].rssMB));
  return { name: `N=${r.services} peak RSS, ${name}`, value: `${Math.round(peak)} MB`, goal: `≤ ${goal} MB`, met: peak <= goal };
};

/** N=1000 / N=500 time of each of our columns. */
const SCALED: Partial<Record<Tool, string>> = {
  oursNoTypecheck: 'no-typecheck', oursTypecheck: 'type-check', oursClean: 'no-typecheck, empty dist/', oursNoCache: 'no-typecheck, --no-cache',
  freshOne: 'fresh clone, one app changed', freshEvery: 'fresh clone, every app changed', publishOne: 'publish on a fresh clone, one app changed',
};

export function targets(results: readonly SizeResult[], watchMs: number | undefined, watchSize: number): Target[] {
  const r500 = results.find((r) => r.services === 500), r1000 = results.find((r) => r.services === 1000);
  const out: Target[] = [];
  if (r500) {
    out.push(speedUp(r500, 'oursNoTypecheck', 'no-typecheck', 10), speedUp(r500, 'oursTypecheck', 'type-check', 4));
    out.push(speedUp(r500, 'oursClean', 'no-typecheck into an empty dist/', 10), speedUp(r500, 'oursNoCache', 'no-typecheck, every app synthesized (--no-cache)', 10));
    out.push(speedUp(r500, 'freshOne', 'fresh clone, one app changed', 10), speedUp(r500, 'freshEvery', 'fresh clone, every app changed', 4));
    const publish = r500.median.publishOne.wallMs / 1000;
    out.push({ name: 'N=500 publish on a fresh clone, one app changed (incl. push)', value: `${publish.toFixed(2)} s`, goal: '≤ 1.5 s', met: publish <= 1.5 });
    out.push(peakRss(r500, ['oursNoTypecheck', 'oursTypecheck', 'oursClean', 'oursNoCache'], 'everyday runs', 150));
    out.push(peakRss(r500, ['freshOne', 'freshEvery', 'publishOne'], 'fresh-clone paths', 200));
  }
  if (r500 && r1000) {
    for (const [tool, label] of Object.entries(SCALED) as [Tool, string][]) {
      const scale = r1000.median[tool].wallMs / r500.median[tool].wallMs;
      out.push({ name: `N=1000 / N=500 time, ${label}`, value: `${scale.toFixed(2)}`, goal: '≤ 2.1', met: scale <= 2.1 });
    }
  }
  if (watchMs !== undefined) out.push({ name: `watch: one changed app at N=${watchSize} to updated file (median)`, value: `${Math.round(watchMs)} ms`, goal: '≤ 100 ms', met: watchMs <= 100 });
  return out;
}
