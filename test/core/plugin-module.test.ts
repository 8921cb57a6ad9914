import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/env.js';
import { startApp } from '../../src/app.js';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { defineAction, defineHomeList, defineModule, defineWaiting, Registry } from '../../src/core/app/registry.js';
import { homeView } from '../../src/channels/slack/home.js';
import { translator } from '../../src/core/i18n/index.js';
import { createLogger } from '../../src/log/logger.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { buttonData, startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { blockText, buttons, type Block } from '../helpers/fake-slack.js';
import { LIST_ITEM, LIST_TITLE, OFFER_BUTTON, PLANNED, pluginModule, REMINDER_TITLE, WAITING_LABEL, type PluginDeps } from '../fixtures/plugin/module.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The buttons of a "wacht op jou" card (`cards/waiting.json`): each item's label and the data its button sends. */
function waitingItems(reply: PlaygroundReply): Array<{ label: string; data: unknown }> {
  const card = reply.messages.find((m) => m.card)?.card;
  expect(card, JSON.stringify(reply.texts)).toBeDefined();
  expect(cardProblems(card!)).toEqual([]);
  const containers = (card!.body as Array<{ type: string; items?: Array<{ type: string; text?: string; actions?: Array<{ data: unknown }> }> }>).filter((b) => b.type === 'Container');
  return containers.map((c) => ({ label: c.items!.find((i) => i.type === 'TextBlock')!.text!, data: c.items!.find((i) => i.type === 'ActionSet')!.actions![0]!.data }));
}

const DOMAINS = ['cases', 'exceptions', 'parents', 'privacy', 'reminders'];

/**
 * The files of src/core/app that may import from a domain folder, and why. Everything else there (the
 * Assistant, the home screen, the registry's dispatch) asks the registry and names no domain.
 */
const DOMAIN_IMPORTS_ALLOWED: Record<string, { imports: string[]; reason: string }> = {
  'src/core/app/commands.ts': {
    imports: ['cases/module.ts', 'exceptions/module.ts', 'parents/module.ts', 'privacy/module.ts', 'reminders/module.ts'],
    reason: 'SHIPPED_MODULES: the one list of the modules Zorgpad ships with, for checking dialog files without starting the app',
  },
  'src/core/app/engine-runner.ts': {
    imports: ['reminders/calendar.ts'],
    reason: 'the school calendar (which days are school days) for date steps: a calendar helper, no domain operation',
  },
  'src/core/app/registry.ts': {
    imports: ['reminders/jobs.ts'],
    reason: 'the type of a job definition, the `jobs` part of a module (the scheduler owns the kinds of job); type only',
  },
};

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
    const naming = generic.filter((file) => /plugin-offer|pluginRemind|plugin-coffee|plugin-herinnering|plugin-drankje|pluginCoffee|plugin-drinks/.test(readFileSync(file, 'utf8')));
    expect(naming).toEqual([]);
  });

  it('is not named by the assistant\'s files either: src/core/app imports no domain folder but where listed, with a reason', () => {
    const found: Record<string, string[]> = {};
    for (const file of filesUnder('src/core/app').filter((f) => f.endsWith('.ts'))) {
      const specs = [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
      const domain = specs
        .map((spec) => relative(resolve('src/core'), resolve(dirname(file), spec)).replace(/\\/g, '/').replace(/\.js$/, '.ts'))
        .filter((target) => DOMAINS.includes(target.split('/')[0]!));
      if (domain.length) found[file.replace(/\\/g, '/')] = [...new Set(domain)].sort();
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(DOMAIN_IMPORTS_ALLOWED).map(([file, allowed]) => [file, allowed.imports])));
    // The check sees imports (the allowed ones are found), and each allowance says why.
    expect(Object.values(DOMAIN_IMPORTS_ALLOWED).every((a) => a.reason.length > 20)).toBe(true);
  });

  it('puts an item in "wacht op jou", offers its dialog on the home screen and adds a list to Slack\'s App Home', async () => {
    bot = await startTestApp({}, 'sqlite', undefined, { modules: [pluginModule] });

    // "Wacht op jou", typed in the playground: the module's item, whose button opens the module's dialog.
    const items = waitingItems(await bot.say('m.devries', 'wacht op jou'));
    expect(items.map((i) => i.label)).toEqual([WAITING_LABEL]);
    const opened = await bot.click('m.devries', items.find((i) => i.label === WAITING_LABEL)!.data);
    expect(opened.texts.at(-1)).toMatch(/^Wat wil je drinken\?/);
    expect((await bot.say('m.devries', 'Koffie')).texts.at(-1)).toBe('Je koos koffie.');

    // The playground's welcome: the same list, and the module's dialog among the procedures, after the shipped ones.
    const welcome = (await (await fetch(`${bot.base}/playground/api/welcome?personaId=m.devries`)).json()) as {
      card: { actions: Array<{ title: string }> };
      waiting: { body: Array<{ type: string; items?: Array<{ text?: string }> }> } | null;
    };
    expect(JSON.stringify(welcome.waiting)).toContain(WAITING_LABEL);
    expect(welcome.card.actions.map((a) => a.title).at(-1)).toBe('Drankje kiezen');

    // Slack's App Home: the module's list after the shipped ones, under its own title, its button named after the list.
    const overview = await bot.app.assistant.overview('playground', 'm.devries', 'nl');
    expect(overview?.lists.map((l) => [l.name, l.title])).toEqual([
      ['case', 'Mijn zaken'],
      ['draft', 'Aanvragen die nog niet zijn ingediend'],
      ['review', 'Evaluaties om vast te leggen'],
      ['plugin-drinks', LIST_TITLE],
    ]);
    const blocks = homeView(overview, translator('nl')).blocks as Block[];
    const text = blockText(blocks);
    expect(text.indexOf(`*${LIST_TITLE}*`)).toBeGreaterThan(text.indexOf('*Evaluaties om vast te leggen*'));
    expect(text).toContain(LIST_ITEM);
    expect(buttons(blocks).map((b) => b.action_id)).toEqual(expect.arrayContaining(['zp.home.waiting.0', 'zp.home.plugin-drinks.0']));
    expect(buttons(blocks).map((b) => b.text)).toContain('Drankje kiezen');
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

  it.each([
    ['waiting item "votes"', { waiting: [defineWaiting({ name: 'votes', rank: 1, load: async () => [] })] }],
    ['home list "case"', { homeLists: [defineHomeList({ name: 'case', rank: 1, title: 'slack.home.cases', load: async () => [] })] }],
    ['home procedure "pesten-melden"', { home: ['pesten-melden'] }],
  ])('cannot take a %s another module defines: the start stops before the store is opened', async (what, parts) => {
    const clash = defineModule<unknown>({ name: 'clash', ...parts });
    const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', ZORGPAD_DATA_DIR: '/nonexistent/zorgpad-clash', LOG_LEVEL: 'silent' });
    await expect(startApp(config, createLogger('silent'), undefined, { modules: [clash] })).rejects.toThrow(`${what} is defined twice`);
  });

  it('cannot name a home list as the App Home names its own buttons', () => {
    expect(() => defineHomeList({ name: 'waiting', rank: 1, title: 'slack.home.cases', load: async () => [] })).toThrow('"waiting" cannot name a home list');
  });
});
