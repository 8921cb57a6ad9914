import { describe, expect, it } from 'vitest';
import { cardMrkdwn, mrkdwn, toMessages, translateCard } from '../../src/channels/slack/blocks.js';
import { escapeMarkdown, unescapeMarkdown } from '../../src/core/cards/markdown.js';
import { CardRenderer } from '../../src/core/cards/render.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { liveMarkup } from '../helpers/markdown.js';

const cards = CardRenderer.load('cards');

/** A small deterministic generator of texts full of markdown. */
function* markdownHeavyTexts(count: number): Generator<string> {
  const pieces = ['[', ']', '(', ')', '*', '**', '_', '~', '`', '<', '>', '{{', '}}', '|', '\\', '#', '+', '-', '=', '1', '.', ')', ' ', '\t', '\n', '\r\n', 'a', 'x', '&', 'amp;', '#42;', '!', ':', 'https://e.x', '<at>', 'é', '—'];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let n = 0; n < count; n++) {
    const length = next() % 30;
    let text = '';
    for (let i = 0; i < length; i++) text += pieces[next() % pieces.length];
    yield text;
  }
}

describe('escaping text for Adaptive Cards markdown', () => {
  it.each([
    ['[Klik hier](https://evil.example)', '\\[Klik hier\\](https://evil.example)'],
    ['**vet** en _schuin_ en ~~weg~~', '\\*\\*vet\\*\\* en \\_schuin\\_ en \\~\\~weg\\~\\~'],
    ['![plaatje](https://x.example/a.png)', '!\\[plaatje\\](https://x.example/a.png)'],
    ['<at>Anouk Jansen</at> <https://x.example> <b>html</b>', '\\<at\\>Anouk Jansen\\</at\\> \\<https://x.example\\> \\<b\\>html\\</b\\>'],
    ['`code` a | b', '\\`code\\` a \\| b'],
    ['&amp; &#42; & gewoon', '\\&amp; \\&#42; & gewoon'],
    ['{{DATE(2026-11-30T10:00:00Z, SHORT)}}', '\\{\\{DATE(2026-11-30T10:00:00Z, SHORT)\\}\\}'],
    ['# Kop\n## Kop\n> citaat\n+ plus\n* ster', '\\# Kop\n\\## Kop\n\\> citaat\n\\+ plus\n\\* ster'],
    ['tekst\n---\ntekst\n===\n- - -\n-', 'tekst\n\\---\ntekst\n\\===\n\\- - -\n\\-'],
    ['1) een\n2.', '1\\) een\n2\\.'],
    ['C:\\map\\*', 'C:\\\\map\\\\\\*'],
  ])('%j becomes %j', (typed, escaped) => {
    expect(escapeMarkdown(typed)).toBe(escaped);
    expect(unescapeMarkdown(escaped)).toBe(typed);
    expect(liveMarkup(escaped)).toEqual([]);
  });

  it('keeps the lists and line breaks of Zorgpad\'s own texts, and escapes what follows a list marker', () => {
    const advice = 'Doe dit:\n- Noteer wat je zag.\n- Neem contact op met de politie.\n1. Confronteren.\n2. Zoeken.';
    expect(escapeMarkdown(advice)).toBe(advice);
    expect(escapeMarkdown('- # kop\n- [x](y)\n  - **a**')).toBe('- \\# kop\n- \\[x\\](y)\n  - \\*\\*a\\*\\*');
  });

  it('changes ordinary text not at all', () => {
    const ordinary = 'Voor de app die haar suiker meet; die geeft een seintje als het te laag is (type 1). -5 graden, 12.5 kg, +31 6 1234, #1.';
    expect(escapeMarkdown(ordinary)).toBe(ordinary);
  });

  it('leaves no markup alive in any text, and reads back as the text itself', () => {
    for (const text of markdownHeavyTexts(3000)) {
      const escaped = escapeMarkdown(text);
      expect(liveMarkup(escaped), JSON.stringify(text)).toEqual([]);
      expect(unescapeMarkdown(escaped), JSON.stringify(text)).toBe(text);
    }
  });

  it('the checker finds live markup when there is some', () => {
    expect(liveMarkup('[x](https://example.com)')).toEqual(['[', ']']);
    expect(liveMarkup('**vet**')).toHaveLength(4);
    expect(liveMarkup('# kop')).toEqual(['line: # kop']);
  });
});

describe('the card renderer escapes every text from data', () => {
  const typed = '[x](https://example.com) **vet** <at>Jan</at>';

  it('escapes TextBlock texts and FactSet titles and values, wherever they are', () => {
    const details = cards.render('exception-details', { title: `Details ${typed}`, facts: [{ title: typed, value: typed }] }) as unknown as {
      body: [{ text: string }, { facts: Array<{ title: string; value: string }> }];
    };
    expect(cardProblems(details)).toEqual([]);
    expect(details.body[0].text).toBe(`Details ${escapeMarkdown(typed)}`);
    expect(details.body[1].facts).toEqual([{ title: escapeMarkdown(typed), value: escapeMarkdown(typed) }]);
    // In a container (the reminders card) as well.
    const reminders = JSON.stringify(cards.render('reminders', { title: 'Herinneringen', items: [{ title: typed, text: typed, actions: [] }] }));
    expect(reminders).not.toContain('[x]');
    expect(reminders).toContain(JSON.stringify(escapeMarkdown(typed)).slice(1, -1));
  });

  it('leaves button titles, input labels and the data buttons send as they are (they are not markdown)', () => {
    const card = cards.render('kernteam-request', {
      requestId: 'req_1*',
      title: 'T',
      facts: [],
      votesTitle: 'Stemmen',
      votes: [],
      noVotes: '',
      status: '',
      ownVote: '',
      motivationLabel: 'Motivatie *bij* je stem',
      motivationRequired: 'Geef een motivatie.',
      approve: 'Toe_kennen',
      reject: 'Afwijzen',
      discuss: 'Bespreken',
      detailsLabel: 'Details',
      userIds: ['a.jansen'],
    }) as unknown as { actions: Array<{ title: string; data: { zorgpad: Record<string, string> } }>; body: Array<{ label?: string }> };
    expect(card.actions[0]!.title).toBe('Toe_kennen');
    expect(card.actions[3]!.data.zorgpad.details).toBe('req_1*');
    expect(card.body.find((b) => b.label)?.label).toBe('Motivatie *bij* je stem');
  });

  it('escapes a card served from its cache as well', () => {
    const first = cards.render('info', { title: 'T', text: typed });
    const again = cards.render('info', { title: 'T', text: typed });
    expect(again).toEqual(first);
    expect((again.body as Array<{ text: string }>)[1]!.text).toBe(escapeMarkdown(typed));
  });
});

describe('Slack reads the escapes once: what was typed shows as typed, not escaped twice', () => {
  const typed = { need: '[x](https://example.com)', words: '**vet**', mention: '<!channel> <at>Jan</at> & co' };
  const card = cards.render('exception-details', {
    title: 'Details van de aanvraag voor L1002',
    facts: [
      { title: 'van de ouders', value: typed.need },
      { title: 'woorden van de leerling', value: typed.words },
      { title: 'waar', value: typed.mention },
    ],
  });

  it('in fields, headers and the fallback text', () => {
    const { blocks, text } = translateCard(card, 'message');
    const fields = blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []).map((f) => f.text) : []));
    expect(fields).toEqual([
      '*van de ouders*\n[x](https://example.com)',
      '*woorden van de leerling*\n**vet**',
      '*waar*\n&lt;!channel&gt; &lt;at&gt;Jan&lt;/at&gt; &amp; co',
    ]);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Details van de aanvraag voor L1002', emoji: true } });
    expect(text).toContain('van de ouders: [x](https://example.com)');
    expect(text).not.toContain('\\');
    expect(toMessages(card)[0]!.text).toContain('waar: &lt;!channel&gt; &lt;at&gt;Jan&lt;/at&gt; &amp; co');
  });

  it('turns only unescaped **bold** into *bold*', () => {
    expect(cardMrkdwn('**L1001** \\*\\*vet\\*\\* \\<b\\> a\\_b \\\\')).toBe('*L1001* **vet** &lt;b&gt; a_b \\');
    expect(cardMrkdwn(escapeMarkdown('**vet**'))).toBe('**vet**');
    // Plain texts (not from a card) are as before.
    expect(mrkdwn('**L1001** <b>&')).toBe('*L1001* &lt;b&gt;&amp;');
  });
});
