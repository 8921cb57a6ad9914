import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { buttonData, startTestApp, testStores, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { EXCEPTION_REQUEST, playground } from '../helpers/conversations.js';

/** The buttons of a "wacht op jou" card: each item's label and the data its button sends. */
function waitingItems(reply: PlaygroundReply): Array<{ label: string; data: unknown }> {
  const card = reply.messages.find((m) => m.card)?.card;
  expect(card, JSON.stringify(reply.texts)).toBeDefined();
  expect(cardProblems(card!)).toEqual([]);
  const containers = (card!.body as Array<{ type: string; items?: Array<{ type: string; text?: string; actions?: Array<{ title: string; data: unknown }> }> }>).filter((b) => b.type === 'Container');
  return containers.map((c) => ({ label: c.items!.find((i) => i.type === 'TextBlock')!.text!, data: c.items!.find((i) => i.type === 'ActionSet')!.actions![0]!.data }));
}

/**
 * "Wacht op jou": one list per person of what waits for them — votes to cast, proposals to decide,
 * reviews, drafts (with the parents' answers marked) — each with a button that opens it, read from the
 * store every time (the same after a reload, on any device).
 */
describe.each(testStores())('what waits for a person (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation: say } = playground(() => bot);

  it('lists a request that waits for a kernteam member\'s vote, opens the voting card from it, and drops it once she voted', async () => {
    expect((await bot.say('a.jansen', 'wacht op jou')).texts).toEqual(['Er wacht nu niets op jou.']);
    // The mentor starts a request and leaves it as a draft: it waits for her.
    await say('m.devries', EXCEPTION_REQUEST);
    const draft = waitingItems(await bot.say('m.devries', 'wacht op jou'));
    expect(draft.map((i) => i.label)).toEqual(['Aanvraag afmaken voor L1001']);
    await say('m.devries', ['stop']);
    const resumed = await bot.click('m.devries', draft[0]!.data);
    expect(resumed.texts.join('\n')).toMatch(/Indienen/);
    await bot.say('m.devries', 'Indienen');
    expect((await bot.say('m.devries', 'wacht op jou')).texts).toEqual(['Er wacht nu niets op jou.']);

    // Both kernteam members find it, whatever they did since (nothing kept in a page or a process).
    for (const persona of ['a.jansen', 'l.verhoeven']) {
      const items = waitingItems(await bot.say(persona, 'wacht op jou'));
      expect(items.map((i) => i.label)).toEqual([expect.stringMatching(/^Stem uitbrengen: aanvraag voor L1001 \(1A\), ingediend \d\d-\d\d-\d{4}$/)]);
    }
    const [item] = waitingItems(await bot.say('a.jansen', 'wacht op jou'));
    // Its button opens the voting card, and she votes from there.
    const opened = await bot.click('a.jansen', item!.data);
    const card: OutboundMessage = { text: '', card: opened.card! };
    expect(JSON.stringify(opened.card)).toContain('Toekennen');
    const voted = await bot.click('a.jansen', { ...(buttonData(card, 'Toekennen') as object), motivation: 'Goed onderbouwd.' });
    expect(voted.texts).toEqual(['Je stem is vastgelegd.']);
    expect((await bot.say('a.jansen', 'wacht op jou')).texts).toEqual(['Er wacht nu niets op jou.']);
    // Still waiting for the other member.
    expect(waitingItems(await bot.say('l.verhoeven', 'wacht op jou'))).toHaveLength(1);
    // A teacher has nothing waiting and sees nothing of the request.
    expect((await bot.say('t.bakker', 'wacht op jou')).texts).toEqual(['Er wacht nu niets op jou.']);
  });

  it('lists a proposed suspension for the directie, whose button opens the decision', async () => {
    await say('t.bakker', ['pesten melden', 'Het is pesten', 'L1002', 'L1003', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', 'Uitgelachen.', 'ja']);
    await say('s.yilmaz', ['mijn zaken', '1', 'Maatregel vastleggen of voorstellen', '1', 'Schorsing van één dag voorstellen', 'Ondanks afspraken gaat het door.', 'ja']);
    const items = waitingItems(await bot.say('h.smit', 'wacht op jou'));
    expect(items.map((i) => i.label)).toEqual(['Besluit nemen: voorstel schorsing van één dag voor L1003, in de zaak rond L1002 (1A)']);
    const opened = await bot.click('h.smit', items[0]!.data);
    expect(opened.texts.at(-1)).toMatch(/^Over welk voorstel besluit je\?\n1\. schorsing van één dag/);
    expect((await bot.say('h.smit', '1')).texts.join('\n')).toMatch(/Motivatie van Selin Yilmaz: Ondanks afspraken gaat het door/);
    // The CLZ who proposed it does not decide it.
    expect((await bot.say('s.yilmaz', 'wacht op jou')).texts).toEqual(['Er wacht nu niets op jou.']);
  });
});
