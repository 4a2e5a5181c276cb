import { describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup.ts';

describe('demo cleanup', () => {
  it('stops in reverse order, goes on past a failure, and stops only once', async () => {
    const order: string[] = [];
    const cleanup = new Cleanup();
    cleanup.add('control plane', () => { order.push('plane'); });
    cleanup.add('git daemon', () => { throw new Error('already gone'); });
    cleanup.add('agent', async () => { order.push('agent'); });
    const [first, second] = await Promise.all([cleanup.run(), cleanup.run()]);
    expect(order).toEqual(['agent', 'plane']);
    expect(first).toEqual(['git daemon: already gone']);
    expect(second).toBe(first);
  });
});
