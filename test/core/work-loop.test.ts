import { describe, expect, it } from 'vitest';
import { Background } from '../../src/core/kernel/background.js';
import { WorkLoop } from '../../src/core/work/loop.js';
import { RETRY, retryDelay } from '../../src/core/work/retry.js';
import { createLogger } from '../../src/log/logger.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the work loop', () => {
  it('runs each source at start and then every interval, never two passes of one source at once', async () => {
    const background = new Background();
    const loop = new WorkLoop(background, createLogger('silent'));
    let running = 0;
    let most = 0;
    let passes = 0;
    loop.add({
      name: 'slow',
      everyMs: 10,
      run: async () => {
        running++;
        most = Math.max(most, running);
        passes++;
        await sleep(30);
        running--;
      },
    });
    loop.start();
    // Woken many times while a pass runs: one more pass after it, not one per wake.
    for (let i = 0; i < 10; i++) {
      loop.wake('slow');
      await sleep(2);
    }
    await sleep(200);
    loop.stop();
    await background.idle(1000);
    expect(most).toBe(1);
    expect(passes).toBeGreaterThanOrEqual(3);
    expect(passes).toBeLessThan(12);
  });

  it('runs a woken source at once instead of at its interval', async () => {
    const background = new Background();
    const loop = new WorkLoop(background, createLogger('silent'));
    const at: number[] = [];
    loop.add({ name: 'rare', everyMs: 60_000, run: async () => void at.push(Date.now()) });
    loop.start();
    await sleep(20);
    expect(at).toHaveLength(1);
    const woken = Date.now();
    loop.wake('rare');
    await sleep(50);
    expect(at).toHaveLength(2);
    expect(at[1]! - woken).toBeLessThan(40);
    loop.stop();
  });

  it('goes on after a failing pass, and starts nothing once stopped', async () => {
    const background = new Background();
    const loop = new WorkLoop(background, createLogger('silent'));
    let calls = 0;
    loop.add({
      name: 'flaky',
      everyMs: 10,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('store away');
      },
    });
    loop.start();
    await sleep(80);
    expect(calls).toBeGreaterThanOrEqual(2);
    loop.stop();
    await background.idle(1000);
    const after = calls;
    loop.wake('flaky');
    await sleep(50);
    expect(calls).toBe(after);
  });

  it('starts no pass while the process is stopping', async () => {
    const background = new Background();
    const loop = new WorkLoop(background, createLogger('silent'));
    let calls = 0;
    loop.add({ name: 'any', everyMs: 10, run: async () => void calls++ });
    background.stop();
    loop.start();
    await sleep(50);
    expect(calls).toBe(0);
  });
});

describe('the one back-off policy', () => {
  it('doubles from the base up to the cap, with at most a quarter of jitter either way', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelay(1, RETRY.turn, low)).toBe(1_500);
    expect(retryDelay(2, RETRY.turn, low)).toBe(3_000);
    expect(retryDelay(3, RETRY.turn, high)).toBeLessThanOrEqual(10_000);
    expect(retryDelay(3, RETRY.turn, high)).toBeGreaterThan(9_900);
    expect(retryDelay(50, RETRY.job, low)).toBe(RETRY.job.maxMs * 0.75);
    expect(retryDelay(0, RETRY.delivery, low)).toBe(RETRY.delivery.baseMs * 0.75);
  });
});
