import { buttons } from '../helpers/fake-slack.js';
import { describe, expect, it } from 'vitest';
import { fitBlocks, limitProblems, LIMITS, mrkdwn, preformatted, toMessages, translateCard, type SlackBlock } from '../../src/channels/slack/blocks.js';
import { CardRenderer } from '../../src/core/cards/render.js';
import { everyCard } from '../helpers/every-card.js';

const cards = CardRenderer.load('cards');
const long = (n: number, word = 'woord') => Array.from({ length: Math.ceil(n / (word.length + 1)) }, () => word).join(' ').slice(0, n);

/** Every template the services fill, with ordinary and with extreme data. */
function serviceCards(): Array<[string, Record<string, unknown>]> {
  const facts = (n: number, size: number) => Array.from({ length: n }, (_, i) => ({ title: `Veld ${i + 1}`, value: long(size) }));
  const votes = (n: number, size: number) => Array.from({ length: n }, (_, i) => ({ text: `Lid ${i + 1} (zorgcoördinator): Toekennen — ${long(size)}` }));
  const request = (n: number, size: number) =>
    cards.render('kernteam-request', {
      requestId: 'req-1',
      title: 'Aanvraag uitzondering telefoonverbod — L1001',
      facts: facts(6, size),
      votesTitle: 'Stemmen',
      votes: votes(n, size),
      noVotes: n ? '' : 'Nog geen stemmen.',
      status: '',
      ownVote: '',
      motivationLabel: 'Motivatie bij je stem',
      motivationRequired: 'Geef een motivatie.',
      approve: 'Toekennen',
      reject: 'Afwijzen',
      discuss: 'Bespreken in het kernteam',
      detailsLabel: 'Details',
      userIds: ['a.jansen'],
    });
  const reminders = (n: number, size: number) =>
    cards.render('reminders', {
      title: 'Herinneringen',
      items: Array.from({ length: n }, (_, i) => ({
        title: `Evaluatie L10${i}`,
        text: long(size),
        actions: [
          { title: 'Evaluatie vastleggen', data: { zorgpad: { start: 'evaluatie', requestId: `r${i}` } } },
          { title: 'Een week later', data: { zorgpad: { snooze: `job-${i}` } } },
        ],
      })),
    });
  return [
    ['kernteam-request, no votes', request(0, 40)],
    ['kernteam-request, 8 votes', request(8, 200)],
    ['kernteam-request, 60 long votes', request(60, 1500)],
    ['kernteam-outcome', cards.render('kernteam-outcome', { title: 'Besluit over L1001: toegekend', facts: facts(6, 40), votes: votes(3, 200), decided: 'Besloten op 26-11-2026', motivation: '' })],
    ['kernteam-outcome, long', cards.render('kernteam-outcome', { title: long(400), facts: facts(25, 2500), votes: votes(40, 2000), decided: 'x', motivation: long(9000) })],
    ['exception-details', cards.render('exception-details', { title: 'Details L1001', facts: facts(12, 800) })],
    ['info, very long text', cards.render('info', { title: 'Zorgpad', text: long(12_000) })],
    ['notice', cards.render('notice', { title: 'Nieuwe melding', text: long(500), actions: [{ title: 'Zaak openen', flowId: 'zaak', caseId: 'c1' }] })],
    ['reminders, 1', reminders(1, 200)],
    ['reminders, 10 long', reminders(10, 3500)],
    ['request-summary', cards.render('request-summary', { title: 'Samenvatting', actions: [{ title: long(120), draftId: 'req-1' }] })],
    ['copy-text', cards.copyText('Tekst voor Magister (kopieer en plak):', long(300))],
    ['copy-text, a long letter full of & < >', cards.copyText('Tekst van de brief (kopieer en plak):', long(9000, '<&>'), { note: long(200), links: [{ title: long(100), url: 'https://zorgpad.example/x?t=1' }] })],
    ['link', cards.links(long(300), [{ title: 'Brief downloaden (PDF)', url: 'https://zorgpad.example/brieven/download?t=1' }])],
  ];
}

describe('Block Kit translation of the cards', () => {
  const all: Array<[string, Record<string, unknown>]> = [...everyCard().map((c) => [c.name, c.card] as [string, Record<string, unknown>]), ...serviceCards()];

  it('the limit check finds problems when there are some', () => {
    const tooMany: SlackBlock[] = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(limitProblems(tooMany, 'message')).toEqual(['51 blocks (at most 50)']);
    expect(limitProblems([{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) }, value: '1' }] }], 'message')).toHaveLength(1);
    expect(limitProblems([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }], 'modal')).toHaveLength(1);
  });

  it.each(all)('%s fits in Slack messages and in a modal', (_name, card) => {
    const parts = toMessages(card);
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) {
      expect(limitProblems(part.blocks, 'message')).toEqual([]);
      expect(part.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    }
    const modal = translateCard(card, 'modal');
    expect(limitProblems(fitBlocks(modal.blocks, 'meer'), 'modal')).toEqual([]);
  });

  it('splits a card that needs more than 50 blocks into several messages, buttons in the last', () => {
    const card = serviceCards().find(([n]) => n === 'kernteam-request, 60 long votes')![1];
    const parts = toMessages(card, { inputs: false });
    expect(parts.length).toBeGreaterThan(1);
    const withButtons = parts.map((p) => p.blocks.some((b) => b.type === 'actions'));
    expect(withButtons).toEqual([...Array(parts.length - 1).fill(false), true]);
    // Nothing is lost: every vote is somewhere.
    const text = JSON.stringify(parts);
    for (let i = 1; i <= 60; i++) expect(text).toContain(`Lid ${i} (`);
  });

  it('splits long text over sections and shortens long button labels with "…"', () => {
    const info = translateCard(cards.render('info', { title: 'T', text: long(7000) }), 'message');
    const sections = info.blocks.filter((b) => b.type === 'section');
    expect(sections.length).toBe(3);
    const summary = translateCard(cards.render('request-summary', { title: 'S', actions: [{ title: 'a'.repeat(120), draftId: 'd' }] }), 'message');
    const button = summary.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []))[0]!;
    expect(button.type === 'button' && button.text.text).toBe(`${'a'.repeat(74)}…`);
  });

  it('cuts a modal that would exceed 100 blocks, keeps its form and says where the rest is', () => {
    const blocks: SlackBlock[] = [
      ...Array.from({ length: 150 }, (_, i): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: `regel ${i}` } })),
      { type: 'input', block_id: 'answer', label: { type: 'plain_text', text: 'Antwoord' }, optional: false, element: { type: 'plain_text_input', action_id: 'answer' } },
    ];
    const fitted = fitBlocks(blocks, 'De rest staat in je berichten.');
    expect(fitted).toHaveLength(100);
    expect(fitted.at(-1)?.type).toBe('input');
    expect(JSON.stringify(fitted)).toContain('De rest staat in je berichten.');
  });

  it('turns the question cards into Slack inputs, and the Send button into the modal\'s Submit', () => {
    const question = { flowId: 'f', stepId: 's', prompt: 'Welke datum?', type: 'date' as const, options: [], multiple: false, optional: false, maxLength: 100 };
    const date = translateCard(cards.question(question as never, 'nl'), 'modal');
    expect(date.blocks[0]).toEqual(expect.objectContaining({ type: 'input', block_id: 'answer', element: expect.objectContaining({ type: 'datepicker' }) }));
    // Back, stop and help stay buttons in the window; the Send button, not one of them, is its Submit.
    expect(buttons(date.blocks).map((b) => b.text)).toEqual(['Terug', 'Stop', 'Help']);
    expect(date.submit?.title).toBe('Verstuur');
    // In a message the same card keeps its Send button, next to back, stop and help.
    const inMessage = translateCard(cards.question(question as never, 'nl'), 'message');
    expect(inMessage.blocks.map((b) => b.type)).toEqual(['input', 'actions', 'actions']);
    expect(buttons(inMessage.blocks).map((b) => b.text)).toEqual(['Terug', 'Stop', 'Help', 'Verstuur']);
  });

  it('shows a text to copy as preformatted text, as typed, and a link as a link button', () => {
    const typed = 'Afspraak met L1001: **niet** <!channel> & [x](https://e.nl) ```code```.';
    const card = cards.copyText('Tekst voor Magister (kopieer en plak):', typed, { note: 'Werkt één keer.', links: [{ title: 'Formulier bekijken', url: 'https://zorgpad.example/ouders/formulier?t=abc_def' }] });
    const { blocks, text } = translateCard(card, 'message');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    // One code block, exactly the text (escaped for Slack only), never ended early by the backticks inside.
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: "```Afspraak met L1001: **niet** &lt;!channel&gt; &amp; [x](https://e.nl) '''code'''.```" } });
    expect(blocks[3]).toEqual({ type: 'actions', elements: [{ type: 'button', action_id: 'zp.url.0', text: { type: 'plain_text', text: 'Formulier bekijken', emoji: true }, url: 'https://zorgpad.example/ouders/formulier?t=abc_def' }] });
    // Clients without blocks read the text itself.
    expect(text).toContain(typed);
    // A long text becomes several code blocks, each within Slack's limit, together the whole text.
    const letter = Array.from({ length: 400 }, (_, i) => `Regel ${i} & <meer>`).join('\n');
    const pieces = preformatted(letter);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(piece).toMatch(/^```[^`]+```$/);
    }
    const back = pieces.map((p) => p.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(back.join('\n').replace(/\s+/g, ' ')).toBe(letter.replace(/\s+/g, ' '));
  });

  it('escapes Slack markup in texts and turns **bold** into *bold*', () => {
    expect(mrkdwn('**L1001** <b>&')).toBe('*L1001* &lt;b&gt;&amp;');
  });
});
