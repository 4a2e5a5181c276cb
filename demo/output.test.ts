import { describe, expect, it } from 'vitest';
import { createOutput, width, wrap } from './output.ts';

describe('demo output', () => {
  it('wraps at spaces, and cuts a word longer than a line', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    expect(wrap('short\nlines', 80)).toEqual(['short', 'lines']);
  });

  it('fits every line in 80 columns and prints no escape codes without a terminal', () => {
    const lines: string[] = [];
    const out = createOutput((l) => lines.push(...l.split('\n')), false);
    out.step('Start the control plane');
    out.ok('word '.repeat(40));
    out.block(`kubectl --kubeconfig ${'/tmp/x'.repeat(20)} get pods`);
    expect(lines.every((l) => l.length <= width)).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\u001b/);
    expect(lines).toContain('1. Start the control plane');
  });

  it('colours only when asked to', () => {
    const lines: string[] = [];
    createOutput((l) => lines.push(l), true).ok('done');
    expect(lines[0]).toBe('\u001b[32m✓\u001b[0m  done');
  });
});
