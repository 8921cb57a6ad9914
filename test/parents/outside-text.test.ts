import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { translateCard } from '../../src/channels/slack/blocks.js';
import { escapeMarkdown } from '../../src/core/cards/markdown.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TestClock } from '../helpers/clock.js';
import { cardTitle } from '../helpers/fake-connector.js';
import { liveMarkup } from '../helpers/markdown.js';
import { fillParentsForm, MARKDOWN_FROM_PARENTS, parentsLink } from '../helpers/parents-form.js';
import { cardAction, installPersonal, personalConversation, personalMessage, startTeamsTest, type TeamsTest } from '../helpers/teams.js';

// The official renderer's object model (its bare import needs a DOM; the minified bundle parses without one).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const AC: any = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.min.js');

/** The facts of a details card as the official Adaptive Cards library reads them. */
function factsAsParsed(card: unknown): Array<{ name: string; value: string }> {
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, new AC.SerializationContext());
  const facts: Array<{ name: string; value: string }> = [];
  for (let i = 0; i < parsed.getItemCount(); i++) {
    const item = parsed.getItemAt(i);
    if (item instanceof AC.FactSet) for (const fact of item.facts) facts.push({ name: fact.name, value: fact.value });
  }
  return facts;
}

/**
 * The kernteam's details card shows what the parents typed as text: every markdown character escaped,
 * so that Teams (and any host that reads markdown) shows "[x](https://example.com)", not a link.
 */
function expectTypedAsText(card: unknown): void {
  expect(cardProblems(card)).toEqual([]);
  const facts = factsAsParsed(card);
  const value = (typed: string) => facts.find((f) => f.value === escapeMarkdown(typed));
  expect(value(MARKDOWN_FROM_PARENTS.need)?.value).toBe('\\[x\\](https://example.com)');
  expect(value(MARKDOWN_FROM_PARENTS.words)?.value).toBe('\\*\\*vet\\*\\*');
  expect(value(MARKDOWN_FROM_PARENTS.where)?.value).toBe('\\# Klik \\<at\\>Anouk Jansen\\</at\\>');
  for (const fact of facts) {
    expect(liveMarkup(fact.name), fact.name).toEqual([]);
    expect(liveMarkup(fact.value), fact.value).toEqual([]);
  }
  // Slack gets the same card as typed text, escaped once for Slack.
  const fields = translateCard(card as Record<string, unknown>, 'message').blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []).map((f) => f.text) : []));
  expect(fields.find((f) => f.startsWith('*van de ouders ('))).toMatch(/\*\n\[x\]\(https:\/\/example\.com\)$/);
  expect(fields).toContain('*woorden van de leerling (via de ouders)*\n**vet**');
}

describe('what parents type reaches the kernteam’s details card as text', () => {
  let bot: TestApp | undefined;
  let teams: TeamsTest | undefined;
  afterEach(async () => {
    await bot?.stop();
    await teams?.stop();
    bot = teams = undefined;
  });

  it('in the playground', async () => {
    bot = await startTestApp({}, 'sqlite', new TestClock(Date.parse('2026-11-30T10:00:00+01:00')));
    await bot.say('m.devries', 'formulier voor ouders');
    const url = parentsLink((await bot.say('m.devries', 'L1002')).texts);
    expect(await fillParentsForm(bot.base, url, MARKDOWN_FROM_PARENTS)).toBe(200);
    const [draft] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002');
    // Lotte Verhoeven (orthopedagoog) is in the kernteam.
    const details = await bot.click('l.verhoeven', { zorgpad: { details: draft!.id } });
    const card = details.messages.find((m) => m.card)?.card;
    expect(card).toBeDefined();
    expectTypedAsText(card);
  });

  it('in Teams', async () => {
    teams = await startTeamsTest();
    const { connector, post } = teams;
    await post(installPersonal(connector.url, 'm.devries'));
    await post(installPersonal(connector.url, 'l.verhoeven'));
    for (const text of ['formulier voor ouders', 'L1002']) expect((await post(personalMessage(connector.url, 'm.devries', text))).status).toBe(200);
    // The link arrives as a card: the button that opens it carries it as it is (the text to copy is escaped
    // card text, where a "_" in the secret reads "\_").
    const urls = connector
      .to(personalConversation('m.devries'))
      .flatMap((s) => s.activity.attachments ?? [])
      .flatMap((a) => ((a.content as { actions?: Array<{ type: string; url?: string }> }).actions ?? []).filter((x) => x.type === 'Action.OpenUrl').map((x) => x.url ?? ''));
    const url = parentsLink(urls);
    expect(await fillParentsForm(teams.bot.base, url, MARKDOWN_FROM_PARENTS)).toBe(200);
    const [draft] = await teams.bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002');
    const res = await post(cardAction(connector.url, 'l.verhoeven', personalConversation('l.verhoeven'), 'zorgpad.details', { zorgpad: { details: draft!.id } }));
    expect(res.status).toBe(200);
    const sent = await connector.waitFor((s) => s.conversationId === personalConversation('l.verhoeven') && /^Details van de aanvraag voor L1002/.test(cardTitle(s.activity) ?? ''));
    expectTypedAsText(sent.activity.attachments![0]!.content);
  });
});
