// Human-readable CLI output of one publish: what was pushed (or why nothing was), and the timings.
import type { PublishResult } from './publish.ts';

export function formatPublished(r: PublishResult): string {
  const where = `${r.remote}/${r.branch}`;
  const source = `${r.source.sha.slice(0, 7)} (${r.source.branch}) "${r.source.subject}"`;
  const timing = `synth ${Math.round(r.synthMs)} ms, publish ${Math.round(r.publishMs)} ms, ${r.files} files${r.attempts > 1 ? `, ${r.attempts} attempts` : ''}`;
  if (r.outcome === 'unchanged') {
    return `rendered output unchanged: ${where} stays at ${r.head.slice(0, 7)}; nothing published for ${source}\n  ${timing}`;
  }
  const changes = [...r.changes].map(([key, n]) => `  ${key}: +${n.added} ~${n.changed} -${n.removed}`);
  return [`published ${r.head.slice(0, 7)}${r.signed ? ` (signed, ${r.signed})` : ''} to ${where} from ${source}`, ...changes, `  ${timing}`].join('\n');
}
