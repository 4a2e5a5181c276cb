// The gate on a fake clock: what reaches the agent depends on the interval only, never on how fast the machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { triggerGate, type TriggerAnswer } from './trigger-gate.ts';

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

function counted(intervalMs: number) {
  const state = { fired: 0 };
  const gate = triggerGate((): TriggerAnswer => { state.fired++; return 'started'; }, intervalMs);
  return { state, gate };
}

describe('triggerGate', () => {
  it('passes the first at once and makes a burst within the interval one trigger at its end', () => {
    const { state, gate } = counted(1000);
    const answers = Array.from({ length: 100 }, () => gate.request());
    expect(answers[0]).toBe('started');
    expect(new Set(answers.slice(1))).toEqual(new Set(['queued']));
    expect(state.fired).toBe(1);
    vi.advanceTimersByTime(999);
    expect(state.fired).toBe(1);
    vi.advanceTimersByTime(1);
    expect(state.fired).toBe(2); // the queued one
    vi.advanceTimersByTime(10_000);
    expect(state.fired).toBe(2); // nothing more without a new request
  });

  it('passes a request at once again after a quiet interval', () => {
    const { state, gate } = counted(1000);
    gate.request();
    vi.advanceTimersByTime(1000);
    expect(gate.request()).toBe('started');
    expect(state.fired).toBe(2);
  });

  it('drops the queued trigger on close', () => {
    const { state, gate } = counted(1000);
    gate.request();
    gate.request();
    gate.close();
    vi.advanceTimersByTime(5000);
    expect(state.fired).toBe(1);
  });
});
