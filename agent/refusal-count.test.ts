// Refused webhook calls: counted always, logged once and then once a window.
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../test/agent-source/fixtures.ts';
import { refusalCount } from './refusal-count.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('refusal count', () => {
  it('logs the first refusal at once, then how many more came in each window that had any', async () => {
    const { log, lines } = memoryLogger();
    const refusals = refusalCount(log, 100);
    for (let i = 0; i < 50; i++) refusals.add(i % 2 ? 'wrong' : 'missing', '127.0.0.1');
    expect(refusals.total).toBe(50);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ reason: 'missing', remoteAddress: '127.0.0.1', total: 1 });
    await sleep(150);
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toMatchObject({ refused: 49, total: 50 });
    await sleep(250); // a quiet window: nothing more to say
    expect(lines()).toHaveLength(2);
    refusals.add('wrong', '127.0.0.1');
    expect(lines()).toHaveLength(3);
    refusals.close();
  });
});
