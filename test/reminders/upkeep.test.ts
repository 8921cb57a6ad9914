import { afterEach, describe, expect, it } from 'vitest';
import { upkeepJobId } from '../../src/core/reminders/jobs.js';
import { TestClock } from '../helpers/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** The day's upkeep is a job: planned once per day whoever starts, run with a lease, the next day's planned after it. */
describe('the daily upkeep as a job', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
  });

  it('plans today\'s upkeep once across starts, runs it outside school hours too, and plans the next day\'s at 03:00', async () => {
    // A Saturday night: no reminder goes out now, the upkeep does.
    const clock = new TestClock(Date.parse('2026-12-05T23:30:00+01:00'));
    bot = await startTestApp({}, 'sqlite', clock);
    const jobs = bot.app.store.jobs;
    const today = await jobs.get(upkeepJobId('demo', '2026-12-05'));
    expect(today).toMatchObject({ kind: 'daily-upkeep', status: 'pending' });
    // A second start the same day plans nothing new.
    await bot.restart();
    expect((await bot.app.store.jobs.get(upkeepJobId('demo', '2026-12-05')))?.dueAt).toBe(today!.dueAt);

    clock.t += 60_000;
    await bot.app.scheduler.tick();
    expect(await bot.app.store.jobs.get(upkeepJobId('demo', '2026-12-05'))).toMatchObject({ status: 'done' });
    const next = await bot.app.store.jobs.get(upkeepJobId('demo', '2026-12-06'));
    expect(next).toMatchObject({ kind: 'daily-upkeep', status: 'pending', dueAt: Date.parse('2026-12-06T03:00:00+01:00') });
  });
});
