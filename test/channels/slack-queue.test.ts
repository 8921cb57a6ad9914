import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../src/channels/slack/queue.js';

describe('the Slack turn queue', () => {
  it('runs at most `concurrency` turns at once, all of them in order, and refuses beyond the waiting limit', async () => {
    const queue = new TurnQueue(2, 3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const work = (n: number) => async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      order.push(n);
      active--;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => queue.run(work(n))));
    expect(peak).toBe(2);
    // Two run, three wait, the sixth is refused (null) and never runs.
    expect(results).toEqual([1, 2, 3, 4, 5, null]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets the event loop read new requests between queued turns', async () => {
    const queue = new TurnQueue(1, 100);
    let timerFired = false;
    let sawTimerBeforeLast = false;
    setImmediate(() => (timerFired = true));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        queue.run(async () => {
          if (i === 49) sawTimerBeforeLast = timerFired;
        }),
      ),
    );
    expect(sawTimerBeforeLast).toBe(true);
  });
});
