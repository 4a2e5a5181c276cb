// Human-readable CLI output for diagnostics and synth summaries.
import type { CompileOutcome } from './compile.ts';
import type { Diagnostic } from '../core/types.ts';

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.env && `env ${d.env}`, d.app && `app ${d.app}`, d.sourceFile, d.constructPath && `[${d.constructPath}]`, d.object]
    .filter(Boolean)
    .join(' ');
  return `${d.severity === 'error' ? 'error' : 'warning'} ${d.rule}: ${where}\n  ${d.message}${d.hint ? `\n  -> ${d.hint}` : ''}`;
}

export function formatSummary(outcome: CompileOutcome): string {
  const counts = new Map<string, Map<string, number>>();
  for (const r of outcome.results) {
    const apps = counts.get(r.env) ?? counts.set(r.env, new Map()).get(r.env)!;
    apps.set(r.app, (apps.get(r.app) ?? 0) + r.objects.length);
  }
  const lines: string[] = [];
  for (const [env, apps] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...apps.values()].reduce((a, b) => a + b, 0);
    const list = [...apps].sort(([a], [b]) => a.localeCompare(b)).map(([app, n]) => `${app} ${n}`);
    const shown = list.length > 12 ? [...list.slice(0, 12), `… ${list.length - 12} more apps`] : list;
    lines.push(`  ${env}: ${total} objects in ${apps.size} apps (${shown.join(', ')})`);
  }
  const w = outcome.written;
  const files = w ? `; ${w.written} files written, ${w.deleted} removed, ${w.unchanged} unchanged` : '';
  return `${lines.join('\n')}\nsynth ok in ${Math.round(outcome.durationMs)} ms${files}`;
}
