import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/env.js';
import { startApp } from '../../src/app.js';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { defineAction, defineModule, Registry } from '../../src/core/app/registry.js';
import { createLogger } from '../../src/log/logger.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { buttonData, startTestApp, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { OFFER_BUTTON, PLANNED, pluginModule, REMINDER_TITLE, type PluginDeps } from '../fixtures/plugin/module.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A domain module from outside src/ (test/fixtures/plugin/): its own dialog file, command, card action and
 * kind of job, added at start (`modules`) and working end to end through the playground's HTTP API, with no
 * file of the assistant, the card parser or the channels naming it.
 */
describe('a module from outside src/', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  /** The person's new messages, as the playground page fetches them. */
  async function inbox(persona: string): Promise<OutboundMessage[]> {
    const res = await fetch(`${bot!.base}/playground/api/inbox?personaId=${persona}`);
    return ((await res.json()) as { messages: OutboundMessage[] }).messages;
  }

  it('is known nowhere in the assistant, the card parser or the channels', () => {
    const generic = ['src/core/app', 'src/core/cards', 'src/channels'].flatMap(filesUnder);
    const naming = generic.filter((file) => /plugin-offer|pluginRemind|plugin-coffee|plugin-herinnering/.test(readFileSync(file, 'utf8')));
    expect(naming).toEqual([]);
  });

  it('runs its command from its own dialog, answers its own button and runs its own job', async () => {
    // Monday 30 November 2026, 10:00 in Amsterdam: school hours, so the reminder goes out when due.
    const clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '100' }, 'sqlite', clock, { modules: [pluginModule] });

    // The command, typed as the module's dialog file has it.
    const offered = await bot.say('m.devries', 'herinner mij aan koffie');
    const card = offered.messages.find((m) => m.card);
    expect(card?.text).toBe('Zal ik je straks aan koffie herinneren?');
    expect(cardProblems(card!.card!)).toEqual([]);

    // The card's button, pressed as a person would: the module's card action plans its job.
    const pressed = await bot.click('m.devries', buttonData(card, OFFER_BUTTON));
    expect(pressed.texts).toEqual([PLANNED]);
    const planned = await bot.app.scheduler.upcoming('m.devries');
    expect(planned.map((j) => j.kind)).toEqual(['plugin-coffee']);

    // The work loop runs the due job (every 100 ms here): its reminder arrives in the person's inbox.
    let received: OutboundMessage[] = [];
    for (const deadline = Date.now() + 10_000; !received.length && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      received = (await inbox('m.devries')).filter((m) => m.text.includes('Denk aan koffie.'));
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toContain(REMINDER_TITLE);
    expect(cardProblems(received[0]!.card!)).toEqual([]);
    expect(await bot.app.scheduler.upcoming('m.devries')).toEqual([]);

    // The same button again plans nothing new (the job's id is the person's and the topic's).
    await bot.click('m.devries', buttonData(card, OFFER_BUTTON));
    expect((await bot.app.store.jobs.get('plugin-coffee:m.devries:koffie'))?.status).not.toBe('pending');
  });

  it('offers its own pick list in its own dialog: a list name no file in src/ knows', async () => {
    bot = await startTestApp({}, 'sqlite', undefined, { modules: [pluginModule] });
    const asked = await bot.say('m.devries', 'kies een drankje');
    expect(asked.texts.at(-1)).toMatch(/^Wat wil je drinken\?/);
    expect(asked.texts.at(-1)).toMatch(/Thee/);
    expect((await bot.say('m.devries', 'Thee')).texts.at(-1)).toBe('Je koos thee.');
    for (const file of filesUnder('src')) expect(readFileSync(file, 'utf8'), file).not.toContain('pluginDrinks');
  });

  it('is refused by an app it was not added to', async () => {
    // Another app in this process has it: the card parser knows its button.
    new Registry([pluginModule.install({} as PluginDeps)]);
    bot = await startTestApp({}, 'sqlite', new TestClock(Date.parse('2026-11-30T10:00:00+01:00')));
    // Its dialog is not there, and its button does nothing here.
    const typed = await bot.say('m.devries', 'herinner mij aan koffie');
    expect(typed.texts.join('\n')).not.toContain('koffie herinneren');
    const pressed = await bot.click('m.devries', { zorgpad: { pluginRemind: 'koffie' } });
    expect(pressed.texts).toEqual(['Dat bericht kon ik niet lezen. Er is niets veranderd.']);
    expect(await bot.app.scheduler.upcoming('m.devries')).toEqual([]);
  });

  it('cannot take a button another module answers: the start stops before the store is opened', async () => {
    const clash = defineModule<unknown>({
      name: 'clash',
      actions: [defineAction({ name: 'vote', payload: z.object({ vote: z.string() }), handle: async () => ({ messages: [] }) })],
    });
    const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', ZORGPAD_DATA_DIR: '/nonexistent/zorgpad-clash', LOG_LEVEL: 'silent' });
    await expect(startApp(config, createLogger('silent'), undefined, { modules: [clash] })).rejects.toThrow('card action "vote" is defined twice');
  });
});
